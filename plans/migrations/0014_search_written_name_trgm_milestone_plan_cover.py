"""Two PostgreSQL-only indexes for issue 13 (the task search and the 待审核 nav count).

- milestoneunit_written_name_trgm: the search's written_name branch (a unit as the document spells it) was
  the only LIKE without a trigram index, a scan of every assignment.
- milestone_id_plan_cover: node plan ids with their plan, so the counts that only check a node plan's plan
  (the 待审核 count, the task list's COUNT) read a narrow index instead of the whole table.
SQLite has neither: the same queries run as before there.
"""

from django.db import migrations

INDEXES = [
    (
        "milestoneunit_written_name_trgm",
        "CREATE INDEX IF NOT EXISTS milestoneunit_written_name_trgm ON plans_milestoneunit "
        'USING gin (UPPER("written_name") gin_trgm_ops)',
    ),
    (
        "milestone_id_plan_cover",
        "CREATE INDEX IF NOT EXISTS milestone_id_plan_cover ON plans_milestone (id) INCLUDE (plan_id)",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("plans", "0013_report_awaiting_review_index")]

    operations = [migrations.RunPython(create, drop)]
