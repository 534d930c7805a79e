"""Trigram (pg_trgm) GIN indexes for the task list's text search, on PostgreSQL only.

`icontains` becomes `UPPER(col) LIKE UPPER('%word%')`; a GIN index with gin_trgm_ops over UPPER(col)
serves that LIKE, Chinese included (pg_trgm keeps non-ASCII characters). CREATE EXTENSION needs a
superuser (or a database owner on PostgreSQL 13+ for this trusted extension): run the migration as
one, or have the DBA run `CREATE EXTENSION pg_trgm` first. SQLite has no such index: the same query
runs as a plain LIKE scan there.
"""

from django.db import migrations

INDEXES = [
    ("plans_milestone", "text", "milestone_text_trgm"),
    ("plans_milestone", "due_text", "milestone_due_text_trgm"),
    ("plans_milestone", "schedule_text", "milestone_schedule_text_trgm"),
    ("plans_measure", "text", "measure_text_trgm"),
    ("plans_item", "title", "item_title_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_plan_measure_versions_measure_history")]

    operations = [migrations.RunPython(create, drop)]
