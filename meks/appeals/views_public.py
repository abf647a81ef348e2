"""The public appeal pages (no log-in): send an appeal, see the confirmation, follow it, rate the answer.

* Sending is throttled per client address (5 appeals an hour; 10 wrong check answers an hour) and guarded
  by the human check of ``human_check.py``. The confirmation is shown only once the registration has
  been committed: the page redirects to ``done/<token>/``, whose token carries the number and the access
  code, signed.
* Following an appeal needs its number and access code. A wrong number and a wrong code get the same
  "not found" answer, and misses are throttled per address (20 in 10 minutes). Only what the applicant
  may see is shown: status, dates, the organization, the public journal and the answers sent; never
  anybody's personal data, the executor or internal notes.

The client address is ``REMOTE_ADDR``, as for the log-in lock-out: behind a proxy it must be set from
the proxy's header by the web server. The counters live in the cache (Redis in production, shared by
every web process).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from meks.core.errors import ServiceError

from . import human_check, selectors, services
from .choices import AnswerStatus, AppealStatus, Channel, EventKind
from .forms_public import PublicAppealForm, RateForm, TrackForm
from .models import Appeal

DONE_SALT = "meks.appeals.public.done"
DONE_MAX_AGE = 24 * 60 * 60
VIEW_SALT = "meks.appeals.public.view"
VIEW_MAX_AGE = 30 * 60

# What each public journal entry says to the applicant.
PUBLIC_EVENTS = {
    EventKind.REGISTERED: gettext_lazy("The appeal was registered"),
    EventKind.ROUTED: gettext_lazy("Sent to the organization that answers it"),
    EventKind.FORWARDED: gettext_lazy("Forwarded to the competent organization"),
    EventKind.EXTENDED: gettext_lazy("The deadline was extended"),
    EventKind.ANSWERED: gettext_lazy("The answer was sent"),
    EventKind.RATED: gettext_lazy("You rated the answer"),
    EventKind.REOPENED: gettext_lazy("Reopened at your request"),
    EventKind.CLOSED: gettext_lazy("The appeal was closed"),
}
NOT_FOUND = gettext_lazy("No appeal matches this number and access code. Check both and try again.")
# Entries whose note is written for the applicant (a reason, a new date, the applicant's own comment).
NOTE_SHOWN = {EventKind.FORWARDED, EventKind.EXTENDED, EventKind.RATED, EventKind.REOPENED}


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@dataclass(frozen=True)
class Limit:
    """A fixed-window counter per client address, kept in the cache."""

    name: str
    limit: int
    window: int  # seconds

    def _key(self, ip: str) -> str:
        return f"appeals:public:throttle:{self.name}:{ip}"

    def count(self, ip: str) -> int:
        return int(cache.get(self._key(ip), 0))

    def exceeded(self, ip: str) -> bool:
        return self.count(ip) >= self.limit

    def hit(self, ip: str) -> int:
        """Count one more; the new count (the window starts at the first hit)."""
        key = self._key(ip)
        cache.add(key, 0, timeout=self.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)
            return 1

    def undo(self, ip: str) -> None:
        with contextlib.suppress(ValueError):
            cache.decr(self._key(ip))


SUBMISSIONS = Limit("submit", 5, 60 * 60)
WRONG_CHECKS = Limit("check", 10, 60 * 60)
TRACK_MISSES = Limit("track", 20, 10 * 60)


def _too_many(request: HttpRequest, limit: Limit) -> HttpResponse:
    response = render(request, "appeals/public_throttled.html", {"limit": limit}, status=429)
    response["Retry-After"] = str(limit.window)
    return response


def sign_appeal(appeal: Appeal, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign_object({"n": appeal.number, "c": appeal.access_code})


def _unsign_appeal(token: str, salt: str, max_age: int) -> Appeal | None:
    try:
        payload = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.BadSignature:  # expired or forged
        return None
    if not isinstance(payload, dict):
        return None
    return selectors.appeal_track(number=str(payload.get("n", "")), access_code=str(payload.get("c", "")))


def view_url(appeal: Appeal) -> str:
    """The tracking page of ``appeal`` for the next half hour, without typing the number and code again."""
    return f"{reverse('appeals_public:track')}?{urlencode({'t': sign_appeal(appeal, VIEW_SALT)})}"


# Send an appeal


@never_cache
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
def appeal_form(request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    for limit in (SUBMISSIONS, WRONG_CHECKS):
        if limit.exceeded(ip):
            return _too_many(request, limit)
    if request.method != "POST":
        form = PublicAppealForm()
        form.set_challenge(human_check.issue())
        form.describe_fields()
        return render(request, "appeals/public_form.html", {"form": form})

    form = PublicAppealForm(request.POST)
    valid = form.is_valid()
    if form.check_outcome in (human_check.Outcome.WRONG, human_check.Outcome.USED):
        WRONG_CHECKS.hit(ip)
    if valid:
        if SUBMISSIONS.hit(ip) > SUBMISSIONS.limit:  # another request took the last place meanwhile
            return _too_many(request, SUBMISSIONS)
        try:
            with transaction.atomic():
                appeal = services.appeal_register(actor=None, channel=Channel.PORTAL, **form.service_arguments())
        except ServiceError as error:
            SUBMISSIONS.undo(ip)
            form.add_service_error(error)
        else:
            # Committed: only now is the confirmation shown.
            return redirect("appeals_public:done", token=sign_appeal(appeal, DONE_SALT))
    form.set_challenge(human_check.passed() if form.check_passed else human_check.issue())
    form.describe_fields()
    return render(request, "appeals/public_form.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def done(request: HttpRequest, token: str) -> HttpResponse:
    appeal = _unsign_appeal(token, DONE_SALT, DONE_MAX_AGE)
    if appeal is None:
        return render(request, "appeals/public_done.html", {"expired": True}, status=404)
    return render(request, "appeals/public_done.html", {
        "appeal": appeal, "track_url": view_url(appeal),
        "organization": appeal.organization.name if appeal.organization_id else "",
        "registered_later": timezone.localdate(appeal.received_at) != appeal.registered_on,
    })


# Follow an appeal


def _result(request: HttpRequest, appeal: Appeal, rate_form: RateForm | None = None, status: int = 200) -> HttpResponse:
    """The tracking page of one appeal: what the applicant may see, nothing else."""
    events = [
        {"at": event.at, "label": PUBLIC_EVENTS.get(event.kind, event.get_kind_display()),
         "organization": event.organization.name if event.organization_id else "",
         "note": event.note if event.kind in NOTE_SHOWN else ""}
        for event in appeal.events.filter(internal=False).select_related("organization").order_by("at", "pk")
    ]
    answers = list(appeal.answers.filter(status=AnswerStatus.SENT).order_by("-sent_on", "-pk").only("text", "sent_on"))
    if appeal.status == AppealStatus.ANSWERED and rate_form is None:
        rate_form = RateForm()
    if rate_form is not None:
        rate_form.describe_fields()
    return render(request, "appeals/public_track.html", {
        "appeal": appeal, "events": events, "answers": answers, "rate_form": rate_form,
        "overdue": selectors.is_overdue(appeal), "extended": appeal.due_date != appeal.original_due_date,
        "organization": appeal.organization.name if appeal.organization_id else "",
        "rate_url": reverse("appeals_public:rate", args=[appeal.number, appeal.access_code]),
    }, status=status)


def _not_found(request: HttpRequest, number: str, ip: str) -> HttpResponse:
    """The same answer for a wrong number and a wrong code; each miss counts towards the limit.

    The number typed is offered again; the access code is not.
    """
    TRACK_MISSES.hit(ip)
    form = TrackForm(initial={"number": number[:20]})
    form.describe_fields()
    number_widget = form.fields["number"].widget
    number_widget.attrs["aria-describedby"] = f"{form['number'].auto_id}-hint {form['number'].auto_id}-error"
    number_widget.attrs["aria-invalid"] = "true"
    return render(request, "appeals/public_track.html",
                  {"form": form, "not_found": True, "not_found_message": NOT_FOUND}, status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    ip = client_ip(request)
    if TRACK_MISSES.exceeded(ip):
        return _too_many(request, TRACK_MISSES)
    link_expired = False
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            appeal = selectors.appeal_track(number=form.cleaned_data["number"],
                                            access_code=form.cleaned_data["access_code"])
            if appeal is None:
                return _not_found(request, form.cleaned_data["number"], ip)
            return _result(request, appeal)
    else:
        form = TrackForm()
        if request.GET.get("t"):
            appeal = _unsign_appeal(request.GET["t"], VIEW_SALT, VIEW_MAX_AGE)
            if appeal is not None:
                return _result(request, appeal)
            link_expired = True
    form.describe_fields()
    return render(request, "appeals/public_track.html", {"form": form, "link_expired": link_expired})


@never_cache
@transaction.non_atomic_requests
@require_POST
def rate(request: HttpRequest, number: str, code: str) -> HttpResponse:
    ip = client_ip(request)
    if TRACK_MISSES.exceeded(ip):
        return _too_many(request, TRACK_MISSES)
    appeal = selectors.appeal_track(number=number, access_code=code)
    if appeal is None:
        return _not_found(request, number, ip)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rated = services.appeal_rate(appeal=appeal, rating=form.cleaned_data["rating"],
                                         satisfied=form.cleaned_data["satisfied"], comment=form.cleaned_data["comment"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if rated.status == AppealStatus.CLOSED:
                messages.success(request, _("Thank you for your rating. The appeal is closed."))
            else:
                messages.success(request, _("Thank you. The appeal has been reopened. By %(date)s, the organization "
                                            "must look into it again and answer.")
                                 % {"date": date_format(rated.due_date, "DATE_FORMAT")})
            return redirect(view_url(rated))
    return _result(request, appeal, rate_form=form)

