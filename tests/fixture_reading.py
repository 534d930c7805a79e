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


def node_plan_rows(code: str) -> list[dict]:
    """Every node plan the fixtures give, in load order (worklist rows, then commitments), as the documents and
    plan.yaml's judgements make them: body_leads add the body text's lead to a row, milestone_cadence replaces
    a derived schedule. Read from the files alone (row n is node plan n)."""
    rows = [dict(row) for row in tsv_rows(code)] + [dict(row) for row in commitment_rows(code)]
    data = plan_yaml(code)
    for entry in data.get("body_leads") or []:
        row = rows[entry["worklist_line"] - 2]  # worklist line 2 is the first row
        assert row["milestone"].startswith(entry["milestone_starts"])
        row["units"] += "".join(f"、{name}" for name in entry["add_lead"])
        row["lead"] += "".join(f"、{name}" for name in entry["add_lead"])
    for entry in data.get("milestone_cadence") or []:
        row = rows[entry["worklist_line"] - 2]
        assert row["milestone"].startswith(entry["milestone_starts"])
        if not row["due"]:
            row["schedule"] = entry["schedule"]
    return rows


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
