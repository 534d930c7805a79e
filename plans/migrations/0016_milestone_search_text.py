"""Milestone.search_text (plans.search_text): what the task search matches, in one column, filled here for
the node plans already stored, with a trigram index on PostgreSQL (the five per-table indexes of 0011 and
0014 stay: other pages search those tables). The fill mirrors plans.search_text.search_texts with the
migration's own models."""

from collections import defaultdict

from django.db import migrations, models

SEPARATOR = "\n"
CHUNK = 5000


def fill(apps, schema_editor):
    Milestone = apps.get_model("plans", "Milestone")
    MilestoneUnit = apps.get_model("plans", "MilestoneUnit")
    UnitAlias = apps.get_model("units", "UnitAlias")
    aliases = defaultdict(list)
    for unit_id, alias in UnitAlias.objects.values_list("unit_id", "alias"):
        aliases[unit_id].append(alias)
    ids = list(Milestone.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        parts = {
            pk: list(texts)
            for pk, *texts in Milestone.objects.filter(pk__in=chunk).values_list(
                "pk", "text", "due_text", "schedule_text", "measure__text", "measure__item__title"
            )
        }
        assignments = (
            MilestoneUnit.objects.filter(milestone_id__in=chunk)
            .order_by("milestone_id", "position", "pk")
            .values_list("milestone_id", "written_name", "unit_id", "unit__name", "unit__short_name")
        )
        for milestone_id, written_name, unit_id, name, short_name in assignments:
            parts[milestone_id] += [written_name, name, short_name, *aliases[unit_id]]
        rows = [Milestone(pk=pk, search_text=SEPARATOR.join(p for p in texts if p)) for pk, texts in parts.items()]
        Milestone.objects.bulk_update(rows, ["search_text"], batch_size=1000)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS milestone_search_text_trgm ON plans_milestone "
        'USING gin (UPPER("search_text") gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS milestone_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("plans", "0015_dashboard_stored_figures"), ("units", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="检索文本"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
