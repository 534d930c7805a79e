"""Three-way merge helpers the plan, indicator and unit loaders share.

At `loadplans --update` every loaded field has three values: what the fixtures gave at the last load (the
base, kept in FixtureSnapshot), what the database holds now, and what the fixtures say now. Only a field
still at its base value is brought to the fixtures' value; one that differs from its base was edited in the
portal and is kept. Every decision becomes a Note, so the operator reads exactly what was done and why.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q

LOADED = "按 fixtures 载入"
UPDATED = "按 fixtures 更新"
_LOADER_REASONS = (LOADED, UPDATED)
MISSING = object()  # no base: the object was loaded before snapshots existed


def excerpt(text: str, length: int = 24) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[:length] + "…"


def encode(model, name: str, value):
    """A field value as JSON stores it, in one canonical form so that equal values compare equal."""
    model_field = model._meta.get_field(name)
    if value is None:
        return None
    if isinstance(model_field, models.ForeignKey):
        return value if isinstance(value, int) else value.pk
    if isinstance(model_field, models.DecimalField):
        quantum = Decimal(1).scaleb(-model_field.decimal_places)
        return format(Decimal(str(value)).quantize(quantum).normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode(model, name: str, value):
    model_field = model._meta.get_field(name)
    if value is None:
        return None
    if isinstance(model_field, models.DecimalField):
        return Decimal(value)
    if isinstance(model_field, models.DateField):
        return date.fromisoformat(value)
    return value


@dataclass
class FieldSpec:
    """One thing the fixtures set on an object: a model field, or fields that only change together
    (a target as printed and its parsed value). `show` turns a stored value into words for the operator."""

    key: str
    label: str
    fields: tuple[str, ...] = ()
    show: object = None
    # What the column held when it was added (its migration default): the base of an object loaded before the
    # snapshot knew this key, so a later --update fills the new field unless staff already set it.
    initial: object = MISSING

    def __post_init__(self):
        self.fields = self.fields or (self.key,)

    def attname(self, model, name: str) -> str:
        return model._meta.get_field(name).attname

    def read(self, obj):
        model = type(obj)
        values = [encode(model, n, getattr(obj, self.attname(model, n))) for n in self.fields]
        return values[0] if len(values) == 1 else values

    def write(self, obj, value) -> list[str]:
        model = type(obj)
        values = [value] if len(self.fields) == 1 else value
        names = [self.attname(model, n) for n in self.fields]
        for name, attname, item in zip(self.fields, names, values, strict=True):
            setattr(obj, attname, decode(model, name, item))
        return names

    def display(self, value) -> str:
        if self.show is not None:
            return self.show(value)
        first = value[0] if isinstance(value, list) else value
        return show_value(first)


def show_value(value) -> str:
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return f"“{value}”"


def show_pair(old: str, new: str) -> tuple[str, str]:
    """Long texts are shown around the part that differs, so a one-character fix is visible."""
    if len(old) + len(new) <= 100 or not (old.startswith("“") and new.startswith("“")):
        return old, new
    prefix = len(_common_prefix(old, new))
    suffix = len(_common_prefix(old[prefix:][::-1], new[prefix:][::-1]))
    start = max(prefix - 12, 1)

    def cut(text):
        end = len(text) - max(suffix - 12, 1)
        return ("“…" if start > 1 else "“") + text[start:end] + ("…”" if end < len(text) - 1 else "”")

    return cut(old), cut(new)


def _common_prefix(a: str, b: str) -> str:
    index = 0
    while index < min(len(a), len(b)) and a[index] == b[index]:
        index += 1
    return a[:index]


@dataclass
class Note:
    action: str  # 新增 / 更新 / 删除 / 保留
    subject: str  # names the object: plan code, kind, row and an excerpt
    detail: str = ""

    def line(self) -> str:
        return f"  [{self.action}] {self.subject}" + (f"：{self.detail}" if self.detail else "")


@dataclass
class SyncLog:
    """What one load did. `quiet` (a plan loaded for the first time) counts writes without listing them."""

    quiet: bool = False
    writes: int = 0
    kept: int = 0
    notes: list[Note] = field(default_factory=list)

    def wrote(self, action: str, subject: str, detail: str = "") -> None:
        self.writes += 1
        if not self.quiet:
            self.notes.append(Note(action, subject, detail))

    def keep(self, subject: str, detail: str) -> None:
        self.kept += 1
        if not self.quiet:
            self.notes.append(Note("保留", subject, detail))


def merge_value(log: SyncLog, subject: str, label: str, current, old, new, show) -> bool:
    """The three-way rule for one value; True when the loader should write the fixtures' value.

    old is MISSING when the object was loaded before snapshots existed: nobody can tell a portal edit
    from an old load then, so any difference is kept."""
    if current == new:
        return False
    shown_current, shown_new = show_pair(show(current), show(new))
    if old is not MISSING and current == old:
        log.wrote("更新", subject, f"{label} {shown_current} → {shown_new}")
        return True
    if old is MISSING:
        log.keep(
            subject,
            f"{label} 数据库中为 {shown_current}，fixtures 为 {shown_new}；没有上次载入记录，"
            "无法判断是否在门户中修改过，未覆盖",
        )
    elif old == new:
        log.keep(subject, f"{label} 已在门户中改为 {shown_current}（fixtures 为 {shown_new}），未覆盖")
    else:
        shown_old, _ = show_pair(show(old), show(new))
        log.keep(
            subject,
            f"{label} 已在门户中改为 {shown_current}（上次载入为 {shown_old}），fixtures 的新值 {shown_new} 未采用",
        )
    return False


def merge(obj, specs: list[FieldSpec], base, theirs: dict, log: SyncLog, subject: str) -> list[str]:
    """Bring obj to theirs where the database still holds the base value. Returns the attnames set on obj
    (the caller saves them)."""
    written = []
    for spec in specs:
        old = MISSING if base is MISSING else base.get(spec.key, spec.initial)
        if merge_value(log, subject, spec.label, spec.read(obj), old, theirs[spec.key], spec.display):
            written += spec.write(obj, theirs[spec.key])
    return written


def save_by_loader(obj, fields: list[str] | None = None, reason: str = UPDATED) -> None:
    """Save with a change reason, so history tells the loader's writes from edits made in the portal."""
    obj._change_reason = reason
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=fields)


def create_by_loader(model, **values):
    obj = model(**values)
    save_by_loader(obj, reason=LOADED)
    return obj


def delete_by_loader(obj) -> None:
    obj._change_reason = UPDATED
    obj.delete()


def portal_edits(history) -> int:
    """How many of these history records someone other than the loader made: a user in the portal, or a
    service that gave a reason (a review, a status change). The loader's own writes carry its reasons."""
    loader = Q(history_user__isnull=True) & (
        Q(history_change_reason__isnull=True)
        | Q(history_change_reason="")
        | Q(history_change_reason__in=_LOADER_REASONS)
    )
    return history.exclude(loader).count()
