"""Integrity of the loaded plans, checked against the fixture files and the source documents."""

import re
from decimal import Decimal

import pytest

from plans.choices import UnitRole
from plans.models import Milestone, Plan
from targets.models import Indicator
from tests.conftest import DOCUMENT_FINDINGS
from tests.fixture_reading import PLAN_CODES, commitment_rows, plan_yaml, tsv_rows, unit_names, unit_spellings
from units.models import Unit
from units.resolver import UnitResolver

pytestmark = pytest.mark.django_db

REGION = {"jianghai-rcqq-2022": "jianghai", "jianghai-bsh-2022": "jianghai", "nanping-cjwy-2021": "nanping"}


def test_the_three_plans_are_loaded_with_every_row():
    counts = {plan.code: plan.milestones.count() for plan in Plan.objects.all()}
    assert counts == {code: len(tsv_rows(code)) + len(commitment_rows(code)) for code in PLAN_CODES}
    # Worklist rows, plus the commitments of the body text and closing sections (issue 10):
    # 000: 40 + 3 (四、组织保障); 001: 20 + 5 (五、保障措施);
    # 002: 32 (7 + 5 + 6 + 7 + 7 attachment measures) + 30 (工程一 5, 二 2, 三 8, 四 1, 五 3, 六 3, 七 8)
    #      + 20 (结尾段: 9 专项组, 8 实施细则, 各县政策, 督办机制, 定期听取).
    assert counts == {"jianghai-rcqq-2022": 40 + 3, "jianghai-bsh-2022": 20 + 5, "nanping-cjwy-2021": 32 + 50}
    origins = Milestone.objects.filter(plan__code="nanping-cjwy-2021").values_list("origin", flat=True)
    assert (list(origins).count("item"), list(origins).count("closing")) == (30, 20)


def test_every_node_plan_has_a_unit_and_a_lead_unit():
    milestones = Milestone.objects.prefetch_related("assignments")
    for milestone in milestones:
        roles = [a.role for a in milestone.assignments.all()]
        assert roles, f"{milestone.plan_id} 第{milestone.position}行没有责任单位"
        assert UnitRole.LEAD in roles, f"{milestone.plan_id} 第{milestone.position}行没有牵头单位"


@pytest.mark.parametrize("code", PLAN_CODES)
def test_every_unit_name_in_the_fixtures_resolves_to_exactly_one_unit(code):
    resolver = UnitResolver(Plan.objects.get(code=code).region)
    spellings, _ = unit_spellings(REGION[code])
    data = plan_yaml(code)
    rows = tsv_rows(code) + commitment_rows(code)
    written = {name for row in rows for name in unit_names(row["units"]) + unit_names(row["lead"])}
    written |= {name for item in data["items"] for name in (item["lead"] or []) + (item["responsible"] or [])}
    for name in sorted(written):
        unit = resolver.resolve(name)  # raises if unknown or ambiguous
        assert unit.name == spellings[re.sub(r"\s", "", name)]


def test_group_units_have_their_members():
    streets = Unit.objects.get(name="各街道", region__code="jianghai")
    assert set(streets.members.values_list("name", flat=True)) == {"礼乐街道", "外海街道", "江南街道"}
    counties = Unit.objects.get(name="各县（市、区）", region__code="nanping")
    assert counties.members.count() == 10


def test_aliases_from_the_documents_resolve():
    jianghai = UnitResolver(Plan.objects.get(code="jianghai-rcqq-2022").region)
    nanping = UnitResolver(Plan.objects.get(code="nanping-cjwy-2021").region)
    hr = "区人力资源和社会保障局"
    assert jianghai.resolve("区人力资源和社会 保障局").name == hr
    assert jianghai.resolve("区人力资源和社会保障保障局").name == hr
    assert jianghai.resolve("区人大").name == jianghai.resolve("区人大机关").name
    assert jianghai.resolve("各街道办事处").name == "各街道"
    assert nanping.resolve("发改委").name == "市发改委"


def test_lead_units_follow_each_documents_rule():
    for code in ("jianghai-bsh-2022",):
        for row in tsv_rows(code):  # 001: 排在首位的为牵头单位
            assert unit_names(row["lead"]) == unit_names(row["units"])[:1]
    items = {item["number"]: item for item in plan_yaml("jianghai-rcqq-2022")["items"]}
    spellings, _ = unit_spellings("jianghai")
    canonical = lambda names: [spellings[re.sub(r"\s", "", n)] for n in names]  # noqa: E731
    for row in tsv_rows("jianghai-rcqq-2022"):  # 000: the body text's 牵头单位, else the first listed
        number = int(re.match(r"\((.+?)\)", row["item"]) and _chinese(row["item"]))
        named = set(canonical(items[number]["lead"] or []))
        units = canonical(unit_names(row["units"]))
        expected = [u for u in units if u in named] or units[:1]
        assert canonical(unit_names(row["lead"])) == expected, row["milestone"][:30]


def _chinese(label: str) -> int:
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    token = re.match(r"\((.+?)\)", label)[1]
    if token.startswith("二十"):
        return 20 + digits.get(token[2:], 0)
    if token.startswith("十"):
        return 10 + digits.get(token[1:], 0)
    return digits[token]


def _document_table(text: str, title: str) -> list[list[str]]:
    """Rows of a tab-separated table in the source text, read straight from the document."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.sub(r"\s", "", line) == re.sub(r"\s", "", title))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            if rows:
                break
            continue
        cells = line.split("\t")
        if cells[0] != "主要指标":
            rows.append([cell.strip() for cell in cells])
    return rows


@pytest.mark.parametrize("title", ["表 1 人才增量指标分解", "表 2 人才载体增量指标分解"])
def test_document_000_tables_match_the_indicators_and_add_up(title, seeds_dir):
    text = (seeds_dir / "000_839b24e653e9bdd1.txt").read_text(encoding="utf-8")
    table_rows = _document_table(text, title)
    indicators = {
        re.sub(r"\s", "", i.name): i
        for i in Indicator.objects.filter(
            plan__code="jianghai-rcqq-2022", table=title.replace("表 ", "表")
        ).prefetch_related("years")
    }
    assert len(indicators) == len(table_rows) > 0
    for name, baseline, *increments, total in table_rows:
        indicator = indicators[re.sub(r"\s", "", name)]
        planned = {y.year: y.planned_text for y in indicator.years.all()}
        assert indicator.baseline_text == baseline
        assert [planned[year] for year in (2022, 2023, 2024)] == increments  # a blank cell stays blank
        assert indicator.target_text == total
        # The document's own arithmetic: baseline plus increments against the end target and its comparator.
        reached = Decimal(baseline) + sum(Decimal(v) for v in increments if v)
        verdict = "一致" if indicator.target.is_met(reached) else "不一致"
        DOCUMENT_FINDINGS.append(
            f"{title} {name}：{baseline} + {'+'.join(v or '空' for v in increments)} = {reached}，"
            f"目标“{total}”（{indicator.target.comparator.label}）→ {verdict}"
        )
