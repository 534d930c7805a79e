"""Sync an ordered collection of loaded rows (node plans, measures, indicators ...) with its fixture entries.

Each fixture entry is paired with the row it was loaded into last time (the snapshot links them by primary
key), then merged three-way. Unpaired entries are created; rows whose entry left the fixtures are deleted
only when nothing hangs on them; rows the snapshot does not know were added in the portal and are left alone.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max

from talentplan.lib.sync import MISSING, SyncLog, delete_by_loader, merge, save_by_loader


@dataclass
class Entry:
    """What the fixtures say about one row: a natural key to pair it by, and its field values."""

    key: object
    values: dict
    parent: int | None = None  # index of the parent entry in the parent collection
    line: int | None = None  # worklist.tsv line, for messages
    extra: dict = field(default_factory=dict)  # kind-specific data the collection does not compare


def hashable(key):
    return tuple(hashable(k) for k in key) if isinstance(key, list | tuple) else key


def jsonable(key):
    return [jsonable(k) for k in key] if isinstance(key, tuple | list) else key


def text_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def align(old_keys: list, new_keys: list, similarity=None) -> dict[int, int]:
    """Pair new fixture entries with old ones: {new index: old index}.

    Unchanged runs pair first, then moved entries with the same key, then (when similarity is given) an
    entry whose text was edited pairs with the most similar unpaired old entry between its neighbours."""
    pairs: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        pairs.update({block.b + k: block.a + k for k in range(block.size)})
    paired_old = set(pairs.values())
    free_old: dict = {}
    for index, key in enumerate(old_keys):
        if index not in paired_old:
            free_old.setdefault(key, []).append(index)
    for index, key in enumerate(new_keys):
        if index not in pairs and free_old.get(key):
            pairs[index] = free_old[key].pop(0)
            paired_old.add(pairs[index])
    if similarity is None:
        return pairs
    for index in range(len(new_keys)):
        if index in pairs:
            continue
        before = [pairs[j] for j in range(index) if j in pairs]
        after = [pairs[j] for j in range(index + 1, len(new_keys)) if j in pairs]
        low, high = (max(before) if before else -1), (min(after) if after else len(old_keys))
        scored = [
            (similarity(old_keys[i], new_keys[index]), -i, i) for i in range(low + 1, high) if i not in paired_old
        ]
        if scored and max(scored)[0] >= 0.5:
            best = max(scored)[2]
            pairs[index] = best
            paired_old.add(best)
    return pairs


def merged_order(existing: list, fixture_objects: list, created_ids: set) -> list:
    """The final order: rows already in the database keep their relative order (staff-added ones
    included); a created row goes right after the row that precedes it in the fixtures. Linear: the
    created rows are grouped behind the row they follow (a 3,000-row import was quadratic here)."""
    head, followers = [], {}
    anchor = None  # the last row that was not created, in fixture order
    for obj in fixture_objects:
        if obj is None:
            continue
        if obj.pk in created_ids:
            (head if anchor is None else followers.setdefault(anchor.pk, [])).append(obj)
        else:
            anchor = obj
    order = list(head)
    for obj in existing:
        if obj.pk not in created_ids:
            order.append(obj)
            order += followers.get(obj.pk, [])
    return order


def renumber(queryset, objects: list) -> int:
    """Give objects positions 1..n in this order, in two steps so the (owner, position) constraint holds."""
    moving = [(obj, number) for number, obj in enumerate(objects, start=1) if obj.position != number]
    if not moving:
        return 0
    top = max(queryset.aggregate(top=Max("position"))["top"] or 0, len(objects)) + 1
    for offset, (obj, _) in enumerate(moving):
        queryset.filter(pk=obj.pk).update(position=top + offset)
    for obj, number in moving:
        queryset.filter(pk=obj.pk).update(position=number)
        obj.position = number
    return len(moving)


def next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def base_entries(snapshot, name: str):
    """The snapshot's entries of one collection (retired ones last), or MISSING when there is no snapshot."""
    if snapshot is MISSING:
        return MISSING
    rows = list(snapshot.get(name, [])) + list(snapshot.get(f"{name}_retired", []))
    return [
        {"pk": row["pk"], "key": hashable(row["key"]), "values": MISSING if row["values"] is None else row["values"]}
        for row in rows
    ]


@dataclass
class Collection:
    """One kind of loaded row. The callables hold what differs between kinds."""

    name: str
    specs: list
    existing: list  # the owner's rows in the database, in order
    entries: list[Entry]
    base: object  # base_entries(...) or MISSING
    key_of: Callable  # a database row's natural key (for rows loaded before snapshots existed)
    subject: Callable  # a database row named for the operator
    new_subject: Callable  # an entry named for the operator
    create: Callable  # Entry -> a new row
    dependents: Callable  # row -> why it must not be deleted (list of Chinese phrases)
    similarity: Callable | None = None
    after_merge: Callable | None = None  # (row, entry, base values, written attnames) -> None
    save: Callable | None = None  # (row, written attnames) -> None
    results: list = field(default_factory=list)
    created: set = field(default_factory=set)
    retired: list = field(default_factory=list)
    _pks: list = field(default_factory=list)
    _stale: list = field(default_factory=list)

    def sync(self, log: SyncLog) -> None:
        old = self.base
        if old is MISSING:  # loaded before snapshots existed: pair with what the database holds
            old = [{"pk": obj.pk, "key": hashable(self.key_of(obj)), "values": MISSING} for obj in self.existing]
        pairs = align([o["key"] for o in old], [hashable(e.key) for e in self.entries], self.similarity)
        by_pk = {obj.pk: obj for obj in self.existing}
        self.results, self._pks = [None] * len(self.entries), [None] * len(self.entries)
        for index, entry in enumerate(self.entries):
            if index not in pairs:
                self._create(index, log)
                continue
            row = old[pairs[index]]
            self._pks[index] = row["pk"]
            obj = by_pk.get(row["pk"])
            if obj is None:
                log.keep(self.new_subject(entry), "已在门户中删除，未重新创建")
                continue
            written = merge(obj, self.specs, row["values"], entry.values, log, self.subject(obj))
            (self.save or _save)(obj, written)
            if self.after_merge:
                self.after_merge(obj, entry, row["values"], written)
            self.results[index] = obj
        paired = set(pairs.values())
        self._stale = [(row, by_pk[row["pk"]]) for i, row in enumerate(old) if i not in paired and row["pk"] in by_pk]
        known = {row["pk"] for row in old}
        for obj in self.existing:
            if obj.pk not in known:
                log.keep(self.subject(obj), "不在 fixtures 中（在门户中新增），未改动")

    def _create(self, index: int, log: SyncLog, why: str = ""):
        obj = self.create(self.entries[index])
        self.results[index] = obj
        self.created.add(obj.pk)
        log.wrote("新增", self.new_subject(self.entries[index]), why)
        return obj

    def obtain(self, index: int, log: SyncLog):
        """The row for an entry; one deleted in the portal is created again when a new child needs it."""
        if self.results[index] is None:
            return self._create(index, log, "已在门户中删除，fixtures 中新增的下级需要它，重新创建")
        return self.results[index]

    def pk(self, index: int | None):
        if index is None:
            return None
        return self.results[index].pk if self.results[index] is not None else None

    def remove_stale(self, log: SyncLog) -> set:
        """Rows whose entry left the fixtures: deleted only when nothing hangs on them."""
        deleted = set()
        for row, obj in self._stale:
            subject = self.subject(obj)
            if row["values"] is MISSING:
                log.keep(subject, "不在 fixtures 中；没有上次载入记录，无法判断是否在门户中新增，未删除")
                self.retired.append(row)
                continue
            reasons = self.dependents(obj)
            if reasons:
                log.keep(subject, f"fixtures 中已删除，但{'、'.join(reasons)}，未删除")
                self.retired.append(row)
                continue
            deleted.add(obj.pk)
            delete_by_loader(obj)
            log.wrote("删除", subject, "fixtures 中已删除，且没有任何关联记录")
        return deleted

    def remaining(self, deleted: set) -> list:
        # Django clears the primary key of a deleted instance, hence the None test.
        return [obj for obj in self.existing if obj.pk is not None and obj.pk not in deleted]

    def snapshot(self) -> dict:
        rows = [
            {
                "pk": obj.pk if obj is not None else self._pks[index],
                "key": jsonable(entry.key),
                "values": entry.values,
            }
            for index, (entry, obj) in enumerate(zip(self.entries, self.results, strict=True))
        ]
        retired = [
            {
                "pk": row["pk"],
                "key": jsonable(row["key"]),
                "values": None if row["values"] is MISSING else row["values"],
            }
            for row in self.retired
        ]
        return {self.name: rows, f"{self.name}_retired": retired}


def _save(obj, written: list[str]) -> None:
    if written:
        save_by_loader(obj, written)
