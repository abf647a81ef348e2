"""Who may see an applicant's personal data, the masks everyone else sees, and the record of each view.

Name, phone, IIN, address and e-mail are shown to the contact centre, to the executor assigned to the
appeal and to the head of that executor's organization. Everyone else, the project office included,
sees masks, in pages, the API and exports alike. Every time the data is shown, ``record_access`` notes
who saw it, where and when.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from meks.core.access import Role, scope_of

PERSONAL_FIELDS = ("applicant_name", "applicant_phone", "applicant_iin", "applicant_address", "applicant_email")


def may_see_personal_data(user: Any, appeal: Any) -> bool:
    """True for the contact centre, the appeal's executor and the head of the executor's organization."""
    scope = scope_of(user)
    if scope.is_empty:
        return False
    if scope.has_role(Role.CONTACT_CENTRE):
        return True
    if appeal.executor_id and appeal.executor_id == getattr(user, "pk", None):
        return True
    return bool(
        getattr(user, "is_organization_head", False) and appeal.executor_id
        and appeal.executor.organization_id == scope.organization_id
    )


def mask_name(name: str) -> str:
    """«Сейткали Айгерим Маратовна» → «С. А. М.»: initials only."""
    return " ".join(f"{part[0]}." for part in name.split() if part) or "—"


def mask_phone(phone: str) -> str:
    """Keep the last two digits: «+7 7•• ••• •• 45»."""
    digits = [ch for ch in phone if ch.isdigit()]
    return f"+7 ••• ••• •• {''.join(digits[-2:])}" if len(digits) >= 2 else ("—" if not phone else "••")


def mask_iin(iin: str) -> str:
    return f"••••••••{iin[-4:]}" if iin else "—"


def mask_email(email: str) -> str:
    if not email or "@" not in email:
        return "—"
    name, domain = email.split("@", 1)
    return f"{name[:1]}•••@{domain}"


def applicant_view(user: Any, appeal: Any, *, where: str) -> dict[str, str | bool]:
    """The applicant's details as ``user`` may see them; a view of the real data is recorded."""
    if may_see_personal_data(user, appeal):
        record_access(user=user, appeal=appeal, where=where)
        return {"masked": False, "name": appeal.applicant_name, "phone": appeal.applicant_phone,
                "iin": appeal.applicant_iin, "address": appeal.applicant_address, "email": appeal.applicant_email}
    return {"masked": True, "name": mask_name(appeal.applicant_name), "phone": mask_phone(appeal.applicant_phone),
            "iin": mask_iin(appeal.applicant_iin), "address": "•••" if appeal.applicant_address else "—",
            "email": mask_email(appeal.applicant_email)}


_BATCH: ContextVar[list | None] = ContextVar("personal_data_access_batch", default=None)


@contextmanager
def access_batch() -> Iterator[None]:
    """Record the views made inside the block with one bulk insert at its end (lists and exports).

    The insert joins the surrounding transaction, so the record is written exactly when the data shown is.
    """
    from .models import PersonalDataAccess

    batch: list = []
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if batch:
        PersonalDataAccess.objects.bulk_create(batch, batch_size=1000)


def record_access(*, user: Any, appeal: Any, where: str) -> None:
    """Note that ``user`` saw the personal data of ``appeal`` in ``where`` (page, api, export)."""
    from .models import PersonalDataAccess

    access = PersonalDataAccess(user=user, appeal=appeal, channel=where)
    batch = _BATCH.get()
    if batch is None:
        access.save()
    else:
        batch.append(access)
