"""Independent readers of the fixture files for tests: plain csv/yaml, none of the project's loader code."""

import csv
import re
from pathlib import Path

import yaml
from django.conf import settings

PLAN_CODES = ["jianghai-rcqq-2022", "jianghai-bsh-2022", "nanping-cjwy-2021"]


def tsv_rows(code: str) -> list[dict]:
    path = Path(settings.FIXTURES_DIR) / "plans" / code / "worklist.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def commitment_rows(code: str) -> list[dict]:
    """fixtures/plans/<code>/commitments.tsv: node plans from the body text and closing sections (issue 10)."""
    path = Path(settings.FIXTURES_DIR) / "plans" / code / "commitments.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def plan_yaml(code: str) -> dict:
    return yaml.safe_load((Path(settings.FIXTURES_DIR) / "plans" / code / "plan.yaml").read_text(encoding="utf-8"))


def unit_names(text: str) -> list[str]:
    """Split on 、 outside brackets (so 各县（市、区） stays whole)."""
    return [part for part in re.split(r"、(?![^（(]*[）)])", text) if part]


def unit_spellings(region_code: str) -> tuple[dict[str, str], set[str]]:
    """Map every spelling (white space removed) to the unit's name; also the set of group names."""
    data = yaml.safe_load((Path(settings.FIXTURES_DIR) / "units" / f"{region_code}.yaml").read_text(encoding="utf-8"))
    spellings, groups = {}, set()
    for unit in data["units"]:
        for spelling in [
            unit["name"],
            *unit.get("aliases", []),
            *([unit["short_name"]] if unit.get("short_name") else []),
        ]:
            spellings[re.sub(r"\s", "", spelling)] = unit["name"]
        if unit["kind"] == "group":
            groups.add(unit["name"])
    return spellings, groups
