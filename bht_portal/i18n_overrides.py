"""Django's own messages that the portal words differently in Norwegian bokmål.

Only marked for extraction (never imported): `make messages` puts them in the project
catalogue `locale/nb`, which takes precedence over Django's and every app's catalogue
(LOCALE_PATHS first). Keep the list short; prefer the portal's own message ids.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("This field is required."),  # Django: "Dette feltet er påkrevd."
    gettext_noop("Please correct the errors below."),  # Django admin: "Vennligst korriger feilene under."
]
