import pytest

from inspections.services import checklists_load


@pytest.fixture(autouse=True)
def checklists(db):
    """The checklist files loaded (transactional tests flush the database between tests)."""
    return checklists_load()
