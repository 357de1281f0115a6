import pytest

from inspections.services import checklists_load


@pytest.fixture(autouse=True)
def checklists(db):
    """The checklist files loaded (transactional tests flush the database between tests)."""
    return checklists_load()


@pytest.fixture(autouse=True)
def english():
    """Messages asserted in English (the message ids), whatever an earlier test left active;
    pages requested through the client still speak the request's language."""
    from django.utils import translation

    with translation.override("en"):
        yield
