"""Demo records for `manage.py seed_demo` (idempotent: running it twice changes nothing)."""


def seed(*, stdout=None) -> None:
    return None
