"""Explicit primary keys for bulk inserts (children can point at parents before anything is written),
and the sequences put right afterwards."""

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

BATCH = 5000


class IdAllocator:
    def __init__(self):
        self._next: dict = {}
        self.models: set = set()

    def next(self, model) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
            self.models.add(model)
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.models))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def bulk(model, rows: list) -> None:
    """bulk_create sends no post_save signal: simple_history writes nothing on its own (see report_history)."""
    model.objects.bulk_create(rows, batch_size=BATCH)
