from django.db import transaction

from approvals.models import CaseSequence


def case_number_allocate(*, year: int) -> tuple[int, str]:
    """Next case number for `year` as (sequence, "YYYY/NNNN").

    Must run inside the caller's transaction: the year's row is locked until it commits, so
    concurrent submissions get distinct, gap-free numbers.
    """
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic"
    CaseSequence.objects.get_or_create(year=year)
    seq = CaseSequence.objects.select_for_update().get(year=year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return seq.last_number, f"{year}/{seq.last_number:04d}"
