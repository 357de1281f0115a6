import functools

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import translation

from approvals.models import Case, CaseEvent


def case_event_record(
    *,
    case: Case,
    kind: str,
    actor: AbstractBaseUser | None = None,
    message: str = "",
    data: dict | None = None,
) -> CaseEvent:
    """Write one readable domain event (who, what, when, why) on a case's history."""
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, message=message, data=data or {})


def in_official_language(func):
    """Run a case service in the portal's official language (bokmål), whatever language the
    acting user reads: the case history and the e-mails to the provider are part of the case
    record and are written in Norwegian."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper
