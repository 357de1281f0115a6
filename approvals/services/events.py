from django.contrib.auth.base_user import AbstractBaseUser

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
