"""Month names in the genitive used in dates ("29 шілде 2025 ж.", "29 июля 2025 г.").

Django's own Kazakh catalogue capitalises these; Kazakh usage writes them in lower case inside a date.
Marking them here puts them in the project's catalogue, which takes precedence over Django's.
"""

from django.utils.translation import pgettext_lazy

GENITIVE_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
