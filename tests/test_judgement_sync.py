"""The issue 10 fields take part in loadplans --update's three-way sync, and every output shows one verdict.

Expected values come from fixtures/plans/jianghai-bsh-2022/plan.yaml (平台总量: “平台总量达35个”, 001:43,
gte, once 2024, 报送单位 区人力资源和社会保障局) and the printed wording, worked out by hand below.
"""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from plans.bulletin.document import build_bulletin
from plans.excel.worklist import build_worklist_workbook
from plans.loading.load import load_plans
from plans.models import FixtureSnapshot, Item, Measure, Milestone, Plan
from targets.models import Indicator
from tests.fixture_reading import commitment_rows
from units.models import Unit

pytestmark = pytest.mark.django_db
BSH = "jianghai-bsh-2022"
NEW_INDICATOR_KEYS = ("cadence", "wording", "judgement_note", "reporting_unit", "unit_note")


def _as_before_issue_10(code: str) -> None:
    """The database and snapshot as a load before issue 10 left them: the new columns at their migration
    defaults, the snapshot without their keys, and no commitments or closing sections at all."""
    plan = Plan.objects.get(code=code)
    commitments = commitment_rows(code)
    measure_keys = {(row["item"], row["measure"]) for row in commitments}
    Milestone.objects.filter(plan=plan).exclude(origin="worklist").delete()
    Measure.objects.filter(plan=plan, milestones__isnull=True).delete()
    Item.objects.filter(plan=plan, part="closing").delete()
    Indicator.objects.filter(plan=plan).update(
        cadence="", batch_years=[], wording="", wording_line=None, judgement_note="", unit=None, unit_note=""
    )
    Item.objects.filter(plan=plan).update(heading="", body="", lead_as_printed="", source_lines="")
    snapshot = FixtureSnapshot.objects.get(kind="plan", code=code)
    values = snapshot.values
    for row in values["indicators"]:
        for key in NEW_INDICATOR_KEYS:
            row["values"].pop(key)
    values["items"] = [row for row in values["items"] if not isinstance(row["key"], str)]
    for row in values["items"]:
        row["values"].pop("text")
    values["measures"] = [row for row in values["measures"] if tuple(row["key"]) not in measure_keys]
    values["milestones"] = [row for row in values["milestones"] if row["values"]["source"][0] == "worklist"]
    for row in values["milestones"]:
        row["values"].pop("source")
    snapshot.save(update_fields=["values"])


def test_an_update_brings_a_pre_issue_10_load_to_the_judgements_but_keeps_a_unit_staff_chose():
    _as_before_issue_10(BSH)
    # Staff had assigned 博士、博士后人数 to 区委组织部 in 数据管理 (the fixtures say 区人力资源和社会保障局).
    chosen = Unit.objects.get(region__code="jianghai", name="区委组织部")
    Indicator.objects.filter(plan__code=BSH, name="博士、博士后人数").update(unit=chosen)

    report = load_plans(codes=[BSH], update=True)
    lines = "\n".join(report.lines())

    platform = Indicator.objects.get(plan__code=BSH, name="平台总量")
    assert (platform.comparator, platform.cadence, platform.wording, platform.wording_line) == (
        "gte",
        "once",
        "平台总量达35个",
        43,
    )
    assert platform.unit.name == "区人力资源和社会保障局"
    kept = Indicator.objects.get(plan__code=BSH, name="博士、博士后人数")
    assert kept.unit == chosen
    assert re.search(r"\[保留\] jianghai-bsh-2022 指标 第\d+项“博士、博士后人数”：报送单位", lines), lines
    # The 5 五、保障措施 commitments are created; the items get their printed text.
    assert Milestone.objects.filter(plan__code=BSH, origin="closing").count() == 5
    assert Item.objects.filter(plan__code=BSH, part="closing").exclude(body="").count() == 3
    # A second update has nothing left to write.
    again = load_plans(codes=[BSH], update=True)
    assert again.plans[BSH].log.writes == 0


@time_machine.travel(date(2024, 6, 30), tick=False)
def test_one_verdict_on_the_page_the_dashboard_the_excel_and_the_bulletin(client_as):
    # On 2024-06-30 (the bulletin for 2024 is then dated the same day):
    # 平台总量 “达35个” with 36 platforms already reported for 2024: 36 >= 35 -> 已达标, green;
    # 发放优才卡 “每年发放优才卡不少于100张” (001:149, yearly) with 90 cards in 2023: the 2023 year end was missed
    # and 2024 has no figure yet -> 未达标, red.
    plan = Plan.objects.get(code=BSH)
    platform = Indicator.objects.get(plan=plan, name="平台总量")
    cards_issued = Indicator.objects.get(plan=plan, name="发放优才卡")
    platform.years.filter(year=2024).update(actual_value=36)
    cards_issued.years.filter(year=2023).update(actual_value=90)
    expected = {platform: "已达标（绿灯）", cards_issued: "未达标（红灯）"}
    staff = client_as("staff")

    for indicator, text in expected.items():
        verdict = text.split("（")[0]
        page = staff.get(reverse("plans:indicator", args=[indicator.pk])).content.decode()
        assert re.search(rf'class="col-8 verdict">{verdict}', page), indicator.name

    dashboard = staff.get(reverse("plans:dashboard") + f"?plan={plan.pk}").content.decode()
    # Off-track indicators are drawn as cards, the others folded into a list: each is one chunk either way.
    cards = re.split(r'class="card shadow-sm h-100"|<tr class="folded-indicator">', dashboard)[1:]
    for indicator, text in expected.items():
        card = next(c.split("</tr>")[0] for c in cards if f">{indicator.name}</" in c)
        assert f'<span class="verdict">{text.split("（")[0]}</span>' in card
        assert ("绿灯" in card) == ("绿灯" in text) and ("红灯" in card) == ("红灯" in text)

    sheet = build_worklist_workbook(plan, date(2024, 6, 30))["指标"]
    rows = list(sheet.iter_rows(values_only=True))
    column = {name: i for i, name in enumerate(rows[0])}
    by_name = {row[column["指标"]]: row[column["判定"]] for row in rows[1:]}
    assert {i.name: by_name[i.name] for i in expected} == {i.name: t for i, t in expected.items()}

    doc = build_bulletin(plan, 2024, today=date(2024, 6, 30))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    bulletin = {row.cells[0].text: row.cells[-1].text for row in table.rows[1:]}
    assert {i.name: bulletin[i.name] for i in expected} == {i.name: t for i, t in expected.items()}
