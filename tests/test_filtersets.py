"""One test per filter on the task list, with expectations read from the fixtures, not the code."""

import re
from datetime import date

import pytest
import time_machine

from plans.models import Category, Milestone, Plan
from tests.fixture_reading import node_plan_rows, unit_names
from tests.test_scoping import expected_rows

pytestmark = pytest.mark.django_db


def _listed(client, query: str) -> set[tuple[str, int]]:
    html = client.get(f"/tasks/?per_page=500&{query}").content.decode()
    ids = {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)}
    return set(Milestone.objects.filter(pk__in=ids).values_list("plan__code", "position"))


def _rows(code, predicate):
    return {(code, n) for n, row in enumerate(node_plan_rows(code), start=1) if predicate(row)}


def test_filter_by_plan(client_as):
    plan = Plan.objects.get(code="jianghai-bsh-2022")
    assert _listed(client_as("staff"), f"plan={plan.pk}") == _rows("jianghai-bsh-2022", lambda r: True)


def test_filter_by_category(client_as):
    category = Category.objects.get(plan__code="jianghai-rcqq-2022", name="留才")
    expected = _rows("jianghai-rcqq-2022", lambda r: r["category"] == "留才")
    assert _listed(client_as("staff"), f"category={category.pk}") == expected


def test_filter_by_unit_any_role_and_lead_only(client_as):
    from units.models import Unit

    unit = Unit.objects.get(name="区卫生健康局")
    assert _listed(client_as("staff"), f"unit={unit.pk}") == expected_rows("区卫生健康局")
    lead = _listed(client_as("staff"), f"unit={unit.pk}&unit_role=lead")
    expected_lead = {
        (code, n)
        for code in ("jianghai-rcqq-2022", "jianghai-bsh-2022")
        for n, row in enumerate(node_plan_rows(code), start=1)
        if "区卫生健康局" in unit_names(row["lead"])
    }
    assert lead == expected_lead and lead < expected_rows("区卫生健康局")


def test_filter_by_status(client_as):
    milestone = Milestone.objects.get(plan__code="nanping-cjwy-2021", position=3)
    Milestone.objects.filter(pk=milestone.pk).update(status="lagging")
    assert _listed(client_as("staff"), "status=lagging") == {("nanping-cjwy-2021", 3)}


@time_machine.travel(date(2022, 12, 20), tick=False)
def test_filter_overdue_and_due_within(client_as):
    # On 2022-12-20: deadlines of 2022年5月/6月 and 2022's 每年4月/每年10月 have passed;
    # 2022年12月, 每年12月, the second-half windows and the commitments' 每年 (12-31) fall due within 11 days.
    passed = lambda r: r["due"].replace(" ", "") in {"2022年5月", "2022年6月", "每年4月", "每年10月"}  # noqa: E731
    soon_phrases = {"2022年12月", "每年12月", "每年下半年", "每两年下半年", "每年"}
    soon = lambda r: re.sub(r"\s", "", r["due"] or r["schedule"]) in soon_phrases  # noqa: E731
    jianghai = ("jianghai-rcqq-2022", "jianghai-bsh-2022")
    expected_overdue = set().union(*(_rows(c, passed) for c in jianghai))
    # Nanping's 每年 / 每两年 rows and the closing paragraph's 2021年底 commitments: 2021-12-31 passed.
    nanping_2021 = _rows("nanping-cjwy-2021", lambda r: r["schedule"] in {"每年", "每两年", "2021年底"})
    assert _listed(client_as("staff"), "overdue=true") == expected_overdue | nanping_2021
    assert _listed(client_as("staff"), "due_within=11") == set().union(*(_rows(c, soon) for c in jianghai))


def test_text_search(client_as):
    expected = set().union(
        *(
            _rows(c, lambda r: "优才卡" in r["milestone"] + r["measure"])
            for c in ("jianghai-rcqq-2022", "jianghai-bsh-2022")
        )
    )
    assert expected and _listed(client_as("staff"), "q=优才卡") >= expected


def test_bad_filter_value_gets_a_chinese_error(client_as):
    body = client_as("staff").get("/tasks/?due_within=-3").content.decode()
    assert "天数不能为负数" in body
