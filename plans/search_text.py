"""Each node plan's stored search text (Milestone.search_text): everything the task list's text search
matches, in one column with one trigram index (issue 13: five unions joined 16,000 matches back at 100k).

It holds the node plan's text, completion time and inferred completion time, its measure's text, its item's
title, and for each of its units the name as the document writes it, the unit's name, short name and every
alias. The parts are separated by a line break, which no search word contains (words are split on spaces),
so a word never matches across two parts. refresh_search_text is the one writer: plans.signals calls it in
the transaction of every change to those parts; bulk writers call it directly.
"""

from collections import defaultdict

from plans.models import Milestone, MilestoneUnit
from units.models import UnitAlias

SEPARATOR = "\n"
CHUNK = 5000  # node plans per read and write when everything is refreshed (gen_synthetic, a migration)


def search_texts(milestone_ids) -> dict[int, str]:
    """Node plan id → its search text, in three queries."""
    parts = {}
    rows = Milestone.objects.filter(pk__in=milestone_ids).values_list(
        "pk", "text", "due_text", "schedule_text", "measure__text", "measure__item__title"
    )
    for pk, *texts in rows:
        parts[pk] = list(texts)
    assignments = list(
        MilestoneUnit.objects.filter(milestone_id__in=list(parts))
        .order_by("milestone_id", "position", "pk")
        .values_list("milestone_id", "written_name", "unit_id", "unit__name", "unit__short_name")
    )
    aliases = defaultdict(list)
    for unit_id, alias in UnitAlias.objects.filter(unit_id__in={row[2] for row in assignments}).values_list(
        "unit_id", "alias"
    ):
        aliases[unit_id].append(alias)
    for milestone_id, written_name, unit_id, name, short_name in assignments:
        parts[milestone_id] += [written_name, name, short_name, *aliases[unit_id]]
    return {pk: SEPARATOR.join(part for part in texts if part) for pk, texts in parts.items()}


def refresh_search_text(milestone_ids=None) -> int:
    """Write the search text of these node plans (all when None); how many were written."""
    if milestone_ids is None:
        ids = list(Milestone.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = list(milestone_ids)
    written = 0
    for start in range(0, len(ids), CHUNK):
        texts = search_texts(ids[start : start + CHUNK])
        rows = [Milestone(pk=pk, search_text=text) for pk, text in texts.items()]
        written += Milestone.objects.bulk_update(rows, ["search_text"], batch_size=1000)
    return written


def milestones_of_units(unit_ids):
    return MilestoneUnit.objects.filter(unit_id__in=list(unit_ids)).values_list("milestone_id", flat=True).distinct()
