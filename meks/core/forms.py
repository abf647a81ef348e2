"""Form pieces shared by the domain apps: an edit form that carries the record's version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionedModelForm(forms.ModelForm):
    """A model form with a hidden ``version``: the version the user started editing from.

    The view passes it to the service, which refuses the save if the record changed meanwhile.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=500,
        help_text=_("Optional; kept in the record's history."),
    )

    def __init__(self, *args: Any, editable_fields: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if editable_fields is not None:
            for name in list(self.fields):
                if name not in editable_fields and name not in {"version", "reason"}:
                    del self.fields[name]

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the model fields on the form."""
        return {name: value for name, value in self.cleaned_data.items() if name not in {"version", "reason"}}


def add_service_error(form: forms.Form, error: Any, fields_by_code: dict[str, str] | None = None) -> None:
    """Put a service's refusal (a ``ValidationError``) on the form.

    An error naming fields goes on those fields; any other goes on the field its code points to in
    ``fields_by_code``, else at the top of the form.
    """
    fields_by_code = fields_by_code or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for item in errors:
                form.add_error(target, item)
        return
    for item in error.error_list:
        target = fields_by_code.get(item.code or "")
        form.add_error(target if target in form.fields else None, item)


def paginate(request, queryset, per_page: int = 50, count: int | None = None):
    """The requested page of ``queryset`` (the last page when the number is too high).

    ``count``, when the caller knows it from a cheaper query, spares the paginator its own count.
    """
    from django.core.paginator import Paginator

    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: setting it skips the COUNT over the annotated query
    return paginator.get_page(request.GET.get("page"))
