"""Password rules beyond Django's own: letters of both cases and a digit."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password must mix lower-case and upper-case letters and digits."""

    def validate(self, password: str, user=None) -> None:
        missing = []
        if not re.search(r"[a-zа-яёәғқңөұүһі]", password):
            missing.append(_("a lower-case letter"))
        if not re.search(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]", password):
            missing.append(_("an upper-case letter"))
        if not re.search(r"\d", password):
            missing.append(_("a digit"))
        if missing:
            raise ValidationError(
                _("The password must contain %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("Your password must mix lower-case and upper-case letters and digits.")
