"""send_reminders --dry-run for jianghai-rcqq-2022 on 2022-12-01: for each lead unit, exactly the node plans
due by 2022-12-31 that are not yet approved. The expectation is read from the fixture files alone."""

import calendar
import re
from datetime import date

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from plans.models import Milestone
from tests.fixture_reading import node_plan_rows, unit_names, unit_spellings

pytestmark = pytest.mark.django_db


def first_deadline_2022(phrase: str) -> date | None:
    compact = re.sub(r"\s", "", phrase)
    if match := re.fullmatch(r"(?:2022年|每年)(\d{1,2})月", compact):
        month = int(match[1])
        return date(2022, month, calendar.monthrange(2022, month)[1])
    if compact in {"2022年底", "每年下半年", "每两年下半年", "每年"}:  # a bare 每年 (commitments) ends 12-31
        return date(2022, 12, 31)
    return None


def expected_by_unit() -> dict[str, set[int]]:
    spellings, groups = unit_spellings("jianghai")
    data = yaml.safe_load((settings.FIXTURES_DIR / "units" / "jianghai.yaml").read_text(encoding="utf-8"))
    members = {u["name"]: u.get("members", []) for u in data["units"]}
    expected: dict[str, set[int]] = {}
    for position, row in enumerate(node_plan_rows("jianghai-rcqq-2022"), start=1):
        due = first_deadline_2022(row["due"] or row["schedule"])
        if due is None or due > date(2022, 12, 31):
            continue
        for written in unit_names(row["lead"]):
            name = spellings[re.sub(r"\s", "", written)]
            for unit in (members[name] or [name]) if name in groups else [name]:
                expected.setdefault(unit, set()).add(position)
    return expected


def parse_dry_run(output: str) -> dict[str, set[int]]:
    listed, current = {}, None
    for line in output.splitlines():
        if match := re.match(r"【(\w+)】(.+?)（\d+ 项）", line):
            current = match[2] if match[1] == "unit_digest" else None
            if current:
                listed[current] = set()
        elif current and (match := re.match(r"\s+- #(\d+) ", line)):
            listed[current].add(int(match[1]))
    positions = dict(Milestone.objects.values_list("pk", "position"))
    return {unit: {positions[pk] for pk in pks} for unit, pks in listed.items()}


def test_dry_run_lists_each_lead_units_node_plans_due_by_year_end(capsys):
    call_command("send_reminders", "--date", "2022-12-01", "--dry-run", "--plan", "jianghai-rcqq-2022")
    output = capsys.readouterr().out
    expected = expected_by_unit()
    assert expected and "区委组织部" in expected
    assert parse_dry_run(output) == expected
    assert "未发送" in output


def test_dry_run_sends_and_records_nothing(capsys):
    from django.core import mail

    from plans.models import Outbox

    call_command("send_reminders", "--date", "2022-12-01", "--dry-run")
    assert Outbox.objects.count() == 0 and len(mail.outbox) == 0


def test_bad_date_is_a_clear_error():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="格式不对，应为 YYYY-MM-DD"):
        call_command("send_reminders", "--date", "2022/12/01")
