"""Factories for the lifecycle tests.

travel_to(day)                         time-machine at noon Oslo time on `day`
provider_user_for(approval)            a provider user of the approval's provider
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from tests.factories import UserFactory

OSLO = ZoneInfo("Europe/Oslo")


def travel_to(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=OSLO), tick=False)


def provider_user_for(approval, **kwargs):
    return UserFactory(role="provider", provider=approval.provider, **kwargs)
