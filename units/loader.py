"""Load regions, units, aliases and group members from fixtures/units/*.yaml."""

from pathlib import Path

from talentplan.lib.fixtures import FixtureError, display_path, read_yaml
from talentplan.lib.sync import sync_object

from .choices import UnitKind
from .models import Region, Unit, UnitAlias, normalize_name


def load_units_file(path: Path) -> Region:
    data = read_yaml(path)
    where = display_path(path)
    region_data = data.get("region") or {}
    if not region_data.get("code") or not region_data.get("name"):
        raise FixtureError([f"{where}：缺少 region 的 code 或 name"])
    region, _ = sync_object(Region, {"code": region_data["code"]}, {"name": region_data["name"]})

    entries = data.get("units") or []
    errors, units, seen_keys = [], {}, {}
    for index, entry in enumerate(entries, start=1):
        name = (entry or {}).get("name", "")
        if not name:
            errors.append(f"{where} 第{index}个单位：缺少 name")
            continue
        if entry.get("kind") not in UnitKind.values:
            errors.append(f"{where} 单位“{name}”：类别“{entry.get('kind')}”无效，应为 {'、'.join(UnitKind.values)}")
            continue
        for spelling in [name, *(entry.get("aliases") or [])]:
            key = normalize_name(spelling)
            if key in seen_keys and seen_keys[key] != name:
                errors.append(f"{where}：写法“{spelling}”同时属于“{seen_keys[key]}”和“{name}”")
            seen_keys[key] = name
        units[name], _ = sync_object(
            Unit,
            {"region": region, "name": name},
            {
                "short_name": entry.get("short_name", ""),
                "kind": entry["kind"],
                "is_group": entry["kind"] == UnitKind.GROUP,
                "note": entry.get("note", ""),
            },
        )
    if errors:
        raise FixtureError(errors)

    for entry in entries:
        unit = units[entry["name"]]
        for alias in entry.get("aliases") or []:
            sync_object(UnitAlias, {"region": region, "alias": alias}, {"unit": unit})
        wanted_members = []
        for member_name in entry.get("members") or []:
            if member_name not in units:
                errors.append(f"{where} 单位“{entry['name']}”：成员“{member_name}”未在本文件中定义")
            else:
                wanted_members.append(units[member_name])
        if not errors and {m.pk for m in unit.members.all()} != {m.pk for m in wanted_members}:
            unit.members.set(wanted_members)
    if errors:
        raise FixtureError(errors)
    return region
