"""The task list's Excel export, streamed: openpyxl write-only, rows read in chunks of primary keys.

django-tables2's export built a normal workbook in memory and rendered every cell through the table
(1.3 GB and 138 s at 100k rows). This writes the columns shown (plans.task_columns), in the list's filter
and sort order, through the shared writer (talentplan.lib.xlsx.stream_xlsx), which neutralises formulas.
Each chunk is read as plain column values (`values()`), not model instances: building 100k milestones,
their plans, measures and prefetched units was most of the export's time and memory."""

from collections import defaultdict
from types import SimpleNamespace

from plans.choices import UnitRole
from plans.models import MilestoneUnit
from plans.task_columns import TASK_COLUMNS, export_fields

CHUNK = 2000


def lead_names(milestone_ids) -> dict[int, list[str]]:
    """Each milestone's lead units, in the document's order (MilestoneUnit's position)."""
    leads = defaultdict(list)
    rows = (
        MilestoneUnit.objects.filter(milestone_id__in=milestone_ids, role=UnitRole.LEAD)
        .order_by("milestone_id", "position")
        .values_list("milestone_id", "written_name", "unit__name", "unit__is_group")
    )
    for milestone_id, written_name, unit_name, is_group in rows:
        leads[milestone_id].append(MilestoneUnit.export_name_of(written_name, unit_name, is_group))
    return leads


def ordered_rows(queryset, columns=TASK_COLUMNS):
    """The cells of `columns` (TaskColumn.text) for every row, in the queryset's order: the ordered primary
    keys in one query, then the rows CHUNK at a time as plain values (the columns' `fields`), so each chunk's
    per-row subqueries run for that chunk only, and memory stays flat."""
    ids = list(queryset.values_list("pk", flat=True))
    plain = queryset.order_by().prefetch_related(None)
    fields = ("pk", *export_fields())
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {row["pk"]: row for row in plain.filter(pk__in=chunk).values(*fields)}
        leads = lead_names(chunk)
        for pk in chunk:
            row = SimpleNamespace(**by_id.pop(pk), lead_names=leads.get(pk, []))
            yield [column.value(row) for column in columns]
