import datetime

import pytest
from django.utils import timezone

from enterprises import reference
from providers import services
from tests.approvals.factories import ApprovalFactory
from tests.factories import ProviderFactory


@pytest.fixture
def refdata(db):
    reference.reference_data_load()
    reference.invalidate()
    yield reference.reference_data()
    reference.invalidate()


@pytest.fixture
def approved_provider(db):
    """A provider with an approval valid today (five years from a year ago)."""
    provider = ProviderFactory(name="Godkjent BHT AS")
    start = timezone.localdate() - datetime.timedelta(days=365)
    ApprovalFactory(
        decision__case__provider=provider,
        decision__valid_from=start,
        decision__valid_until=start.replace(year=start.year + 5),
    )
    return provider


@pytest.fixture
def list_client():
    def _list(provider, enterprise, **kwargs):
        return services.affiliation_create(provider=provider, orgnr=enterprise.orgnr, actor=None, **kwargs)

    return _list
