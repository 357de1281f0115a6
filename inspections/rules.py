"""Pure rules of the inspection course (no database), each with its legal reference.

- the appeal deadline of an order or other individual decision: three weeks (fvl. § 29);
- the deadline for comments on an advance notice (fvl. § 16): at least the days given;
- the coercive fine run up so far (tvangsmulkt, aml. § 18-7): it runs from the date the
  decision sets until the day before compliance is documented;
- which findings a report gives advance notice of an order for.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

APPEAL_DAYS = 21  # forvaltningsloven § 29: three weeks
MIN_COMMENT_DAYS = 7  # fvl. § 16: a deadline that gives the party a real chance to comment
DEFAULT_COMMENT_DAYS = 21
DEFAULT_COMPLIANCE_DAYS = 42

# The usual legal bases (forskrift om organisering, ledelse og medvirkning = "forskrift om
# organisering"; forskrift om administrative ordninger = "forskrift om adm. ordninger").
ORDER_LEGAL_BASIS = "arbeidsmiljøloven § 18-6"
LEGAL_BASIS = {
    "coercive_fine": "arbeidsmiljøloven § 18-7",
    "stoppage": "arbeidsmiljøloven § 18-8",
    "infringement_fine": "arbeidsmiljøloven § 18-10",
    "guidance": "arbeidsmiljøloven § 18-1",
    "police_report": "arbeidsmiljøloven § 19-1",
}


def appeal_deadline(*, notified_on: datetime.date) -> datetime.date:
    """Three weeks from the day the party was notified that the letter is available (fvl. § 29)."""
    return notified_on + datetime.timedelta(days=APPEAL_DAYS)


def comment_deadline_ok(*, sent_on: datetime.date, deadline: datetime.date) -> bool:
    return deadline >= sent_on + datetime.timedelta(days=MIN_COMMENT_DAYS)


@dataclass(frozen=True)
class FineAccrual:
    units: int  # days, weeks (started) or 1 for a one-off fine; 0 before it runs
    amount: Decimal
    running: bool


def fine_accrued(
    *, amount: Decimal, period: str, runs_from: datetime.date, today: datetime.date, stopped_on: datetime.date | None
) -> FineAccrual:
    """What a coercive fine has run up by `today` (aml. § 18-7). Per day: each day from
    `runs_from` up to and including the last day before compliance was documented
    (`stopped_on`) or today. Per week: each started week in that span. Once: the whole
    amount once the fine runs."""
    last = min(today, stopped_on - datetime.timedelta(days=1)) if stopped_on else today
    running = stopped_on is None and today >= runs_from
    days = (last - runs_from).days + 1
    if days <= 0:
        return FineAccrual(units=0, amount=Decimal(0), running=running)
    if period == "day":
        units = days
    elif period == "week":
        units = -(-days // 7)
    else:
        units = 1
    return FineAccrual(units=units, amount=Decimal(amount) * units, running=running)


def findings_for_notice(findings) -> list:
    """The findings the report gives advance notice of an order for: non-conformities with
    an intended order (a remark is never ordered)."""
    return [f for f in findings if f.kind == "nonconformity" and f.intended_order.strip()]
