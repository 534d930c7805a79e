"""Load regions, units, aliases and group members from fixtures/units/*.yaml.

Missing units and aliases are always created. A unit already in the database is changed only by an update
(`loadplans --update`), three-way against what the file said at the last load, so a unit renamed or edited in
the portal keeps its edits. A renamed unit keeps answering to the file's name: that name becomes an alias.
"""

from pathlib import Path

from django.utils import timezone

from plans.models import FixtureSnapshot
from talentplan.lib.fixtures import FixtureError, display_path, read_yaml
from talentplan.lib.sync import MISSING, FieldSpec, SyncLog, create_by_loader, merge, merge_value, save_by_loader
from units.choices import UnitKind
from units.models import Region, Unit, UnitAlias, normalize_name

UNIT_SPECS = [
    FieldSpec("name", "全称"),
    FieldSpec("short_name", "简称"),
    FieldSpec("kind", "类别", show=lambda v: f"“{UnitKind(v).label}”" if v in UnitKind.values else f"“{v}”"),
    FieldSpec("is_group", "集合名称"),
    FieldSpec("note", "备注"),
]


def validate_units(data: dict, where: str) -> list[str]:
    region = data.get("region") or {}
    if not region.get("code") or not region.get("name"):
        return [f"{where}：缺少 region 的 code 或 name"]
    parent = region.get("parent")
    if parent is not None and (not isinstance(parent, dict) or not parent.get("code") or not parent.get("name")):
        return [f"{where}：region 的 parent 须写明 code 和 name"]
    errors, seen_keys = [], {}
    entries = data.get("units") or []
    names = {(entry or {}).get("name") for entry in entries}
    for index, entry in enumerate(entries, start=1):
        name = (entry or {}).get("name", "")
        if not name:
            errors.append(f"{where} 第{index}个单位：缺少 name")
            continue
        if entry.get("kind") not in UnitKind.values:
            errors.append(f"{where} 单位“{name}”：类别“{entry.get('kind')}”无效，应为 {'、'.join(UnitKind.values)}")
        for spelling in [name, *(entry.get("aliases") or [])]:
            key = normalize_name(spelling)
            if key in seen_keys and seen_keys[key] != name:
                errors.append(f"{where}：写法“{spelling}”同时属于“{seen_keys[key]}”和“{name}”")
            seen_keys[key] = name
        for member in entry.get("members") or []:
            if member not in names:
                errors.append(f"{where} 单位“{name}”：成员“{member}”未在本文件中定义")
    return errors


def load_units_file(path: Path, log: SyncLog, update: bool = False) -> Region:
    data, where = read_yaml(path), display_path(path)
    errors = validate_units(data, where)
    if errors:
        raise FixtureError(errors)
    return UnitsSync(data, log, update).run()


def _fixture_values(entry: dict) -> dict:
    return {
        "name": entry["name"],
        "short_name": entry.get("short_name", ""),
        "kind": entry["kind"],
        "is_group": entry["kind"] == UnitKind.GROUP,
        "note": entry.get("note", ""),
    }


class UnitsSync:
    def __init__(self, data: dict, log: SyncLog, update: bool):
        self.data, self.log, self.update = data, log, update
        self.code = data["region"]["code"]
        self.snapshot = FixtureSnapshot.objects.filter(kind=FixtureSnapshot.Kind.UNITS, code=self.code).first()
        self.base = self.snapshot.values if self.snapshot else MISSING
        self.base_units = {} if self.base is MISSING else self.base.get("units", {})
        self.created_units: set[str] = set()
        self.created_aliases: set[str] = set()

    def run(self) -> Region:
        region_name = self.data["region"]["name"]
        region = Region.objects.filter(code=self.code).first()
        if region is None:
            region = create_by_loader(Region, code=self.code, name=region_name)
            self.log.quiet = True  # a new region: the summary line says how many units were created
            self.base_units = {}
        elif self.update:
            old = MISSING if self.base is MISSING else self.base.get("region", {}).get("name", MISSING)
            if merge_value(self.log, f"地区 {self.code}", "名称", region.name, old, region_name, lambda v: f"“{v}”"):
                region.name = region_name
                save_by_loader(region, ["name"])
        self._parent(region)
        self.region = region
        entries = self.data.get("units") or []
        self.units = {entry["name"]: self._unit(entry) for entry in entries}
        self._positions(entries)
        for entry in entries:
            self._aliases(entry)
        for entry in entries:
            self._members(entry)
        self._save_snapshot(entries)
        return region

    def _parent(self, region: Region) -> None:
        """A file may name the region's parent (江门市 for 江海区): created when absent, linked when unset."""
        parent = self.data["region"].get("parent")
        if not parent or region.parent_id:
            return
        found = Region.objects.filter(code=parent["code"]).first()
        if found is None:
            found = create_by_loader(Region, code=parent["code"], name=parent["name"])
            self.log.wrote("新增", f"地区“{parent['name']}”")
        region.parent = found
        save_by_loader(region, ["parent"])

    def _positions(self, entries: list[dict]) -> None:
        """The file's order is the region's order (party, government, streets...). Only an unset position
        (0) is filled, so an order changed in 数据管理 stays."""
        for index, entry in enumerate(entries, start=1):
            unit = self.units[entry["name"]]
            if unit.position == 0:
                unit.position = index
                save_by_loader(unit, ["position"])

    def _unit(self, entry: dict) -> Unit:
        name, values = entry["name"], _fixture_values(entry)
        linked = self.base_units.get(name)
        unit = Unit.objects.filter(region=self.region, pk=linked["pk"]).first() if linked else None
        unit = unit or Unit.objects.filter(region=self.region, name=name).first()
        if unit is None:
            unit = create_by_loader(Unit, region=self.region, **values)
            self.created_units.add(name)
            self.log.wrote("新增", f"单位“{name}”")
            return unit
        if self.update:
            base = MISSING if not linked or linked.get("values") is None else linked["values"]
            written = merge(unit, UNIT_SPECS, base, values, self.log, f"单位“{unit.name}”")
            if written:
                save_by_loader(unit, written)
        if unit.name != name and not self._answers_to(unit, name):
            create_by_loader(UnitAlias, region=self.region, unit=unit, alias=name)
            self.log.wrote("新增", f"单位“{unit.name}”", f"已在门户中改名，fixtures 中的名称“{name}”登记为其别名")
        return unit

    def _answers_to(self, unit: Unit, written: str) -> bool:
        key = normalize_name(written)
        spellings = [unit.name, unit.short_name, *UnitAlias.objects.filter(unit=unit).values_list("alias", flat=True)]
        return any(normalize_name(s) == key for s in spellings if s)

    def _aliases(self, entry: dict) -> None:
        unit = self.units[entry["name"]]
        base_aliases = {} if self.base is MISSING else self.base.get("aliases", {})
        for alias in entry.get("aliases") or []:
            existing = UnitAlias.objects.filter(region=self.region, alias=alias).select_related("unit").first()
            if existing is None:
                create_by_loader(UnitAlias, region=self.region, unit=unit, alias=alias)
                self.created_aliases.add(alias)
                self.log.wrote("新增", f"单位“{unit.name}”", f"别名“{alias}”")
                continue
            if existing.unit_id == unit.pk or not self.update:
                continue
            base_unit = self.base_units.get(base_aliases.get(alias, ""), {}).get("pk", MISSING)
            subject = f"单位别名“{alias}”"
            if merge_value(
                self.log, subject, "所指单位", existing.unit_id, base_unit, unit.pk, lambda pk: _unit_name(pk)
            ):
                existing.unit = unit
                save_by_loader(existing, ["unit"])

    def _members(self, entry: dict) -> None:
        unit = self.units[entry["name"]]
        wanted = sorted(self.units[m].pk for m in entry.get("members") or [])
        current = sorted(unit.members.values_list("pk", flat=True))
        if current == wanted:
            return
        if entry["name"] in self.created_units:
            unit.members.set(wanted)
        elif self.update:
            linked = self.base_units.get(entry["name"]) or {}
            old = MISSING if linked.get("members") is None else linked["members"]
            if merge_value(self.log, f"单位“{unit.name}”", "成员单位", current, old, wanted, _unit_names):
                unit.members.set(wanted)

    def _save_snapshot(self, entries: list[dict]) -> None:
        """An update records what the file says now. A plain load only adds what it created, so a change
        in the file that it did not apply stays visible to the next update."""
        fresh = self.update or self.log.quiet
        values = {"region": {"name": self.data["region"]["name"]}, "units": {}, "aliases": {}}
        if not fresh and self.base is not MISSING:
            values = {**self.base, "units": dict(self.base_units), "aliases": dict(self.base.get("aliases", {}))}
        for entry in entries:
            name, unit = entry["name"], self.units[entry["name"]]
            linked = values["units"].get(name)
            if fresh or name in self.created_units:
                members = sorted(self.units[m].pk for m in entry.get("members") or [])
                values["units"][name] = {"pk": unit.pk, "values": _fixture_values(entry), "members": members}
            elif linked is None or linked["pk"] != unit.pk:
                values["units"][name] = {"pk": unit.pk, "values": None, "members": None}
            for alias in entry.get("aliases") or []:
                if fresh or alias in self.created_aliases:
                    values["aliases"][alias] = name
        if self.snapshot is None:
            FixtureSnapshot.objects.create(
                kind=FixtureSnapshot.Kind.UNITS, code=self.code, values=values, loaded_at=timezone.now()
            )
        elif self.snapshot.values != values:
            self.snapshot.values, self.snapshot.loaded_at = values, timezone.now()
            self.snapshot.save(update_fields=["values", "loaded_at"])


def _unit_name(pk) -> str:
    return f"“{_unit_names([pk])[1:-1]}”" if pk not in (None, MISSING) else "（空）"


def _unit_names(pks) -> str:
    names = dict(Unit.objects.filter(pk__in=pks).values_list("pk", "name"))
    return "“" + "、".join(names.get(pk, "已删除的单位") for pk in pks) + "”" if pks else "（空）"
