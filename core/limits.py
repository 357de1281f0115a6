"""Upper bounds on what people may write (issue 14, hole 6): every text field has one, in the
model (with a database constraint for what people type), in the form and in the API schema."""

TEXT_MAX = 10_000  # a free text: an explanation, a justification, grounds for an appeal (~4 pages)
SYSTEM_TEXT_MAX = 20_000  # what the portal itself records (an error, an e-mail body)


def text_limits(*fields: str, limit: int = TEXT_MAX) -> list:
    """Database constraints: each of `fields` (text people type) at most `limit` characters,
    so that no code path (a service, the admin, a script) stores more than the form allows."""
    from django.db import models
    from django.db.models.functions import Length
    from django.db.models.lookups import LessThanOrEqual

    return [
        models.CheckConstraint(condition=LessThanOrEqual(Length(f), limit), name=f"%(app_label)s_%(class)s_{f}_max")
        for f in fields
    ]
