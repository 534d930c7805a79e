"""The 督办单's number in the office's pattern, 江海督〔2026〕7号: per region and year, from 1, never twice.

The next number is taken from the region's SupervisionSequence row, locked with SELECT … FOR UPDATE for
the rest of the issuing transaction: a second staff member issuing at the same moment waits for the first
to commit and takes the next number. The first number of a year creates the row; two at once both try,
one insert wins and the other reads the winner's row (the unique constraint decides). The notice's own
unique constraint (region, year, serial) is the last guard.
"""

from django.db import IntegrityError, transaction

from plans.models import SupervisionSequence

REGION_SUFFIXES = "区市县旗"


def prefix_of(region) -> str:
    """The 发文字号's 机关代字: the region's own name (without its parent's, 江门市江海区 → 江海区) without its
    last character when that is 区, 市 or 县 (江海区 → 江海, 南平市 → 南平)."""
    name = region.name
    parent = region.parent.name if region.parent_id else ""
    if parent and name.startswith(parent) and len(name) > len(parent):
        name = name[len(parent) :]
    return name[:-1] if len(name) > 2 and name[-1] in REGION_SUFFIXES else name


def office_of(region) -> str:
    """The issuing office as the 发文机关标志 and the 署名 print it."""
    return f"中共{region.name}委人才工作领导小组办公室"


def format_number(region, year: int, serial: int) -> str:
    return f"{prefix_of(region)}督〔{year}〕{serial}号"


def next_serial(region, year: int) -> int:
    """Take the next number for the region and year. Call inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_serial must run inside the transaction that saves the 督办单")
    if not SupervisionSequence.objects.filter(region=region, year=year).exists():
        try:
            with transaction.atomic():
                SupervisionSequence.objects.create(region=region, year=year)
        except IntegrityError:
            pass  # another issuer created it first: lock theirs below
    sequence = SupervisionSequence.objects.select_for_update().get(region=region, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number
