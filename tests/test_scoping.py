"""A liaison sees exactly the node plans that name their unit, or a group containing it."""

import re

import pytest
import yaml
from django.conf import settings

from plans.models import Milestone
from tests.fixture_reading import node_plan_rows, unit_names, unit_spellings
from tests.helpers import every_api_task, every_page
from tests.test_access_matrix import exported_texts

pytestmark = pytest.mark.django_db


def expected_rows(unit: str, region="jianghai") -> set[tuple[str, int]]:
    """(plan code, row number) of every node plan (worklist row or commitment) naming the unit or a group that
    contains it."""
    spellings, _ = unit_spellings(region)
    data = yaml.safe_load((settings.FIXTURES_DIR / "units" / f"{region}.yaml").read_text(encoding="utf-8"))
    covering = {unit} | {u["name"] for u in data["units"] if unit in u.get("members", [])}
    codes = {"jianghai": ["jianghai-rcqq-2022", "jianghai-bsh-2022"], "nanping": ["nanping-cjwy-2021"]}[region]
    return {
        (code, number)
        for code in codes
        for number, row in enumerate(node_plan_rows(code), start=1)
        if covering & {spellings[re.sub(r"\s", "", name)] for name in unit_names(row["units"])}
    }


def _listed(html: str) -> set[tuple[str, int]]:
    ids = {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)}
    return set(Milestone.objects.filter(pk__in=ids).values_list("plan__code", "position"))


@pytest.mark.parametrize(
    "user, unit, region",
    [
        ("liaison_health", "区卫生健康局", "jianghai"),
        ("liaison_lile", "礼乐街道", "jianghai"),
        ("liaison_hr", "区人力资源和社会保障局", "jianghai"),
        ("liaison_np", "市人社局", "nanping"),
    ],
)
def test_liaison_sees_exactly_their_units_node_plans(client_as, user, unit, region):
    expected = expected_rows(unit, region)
    assert expected
    client = client_as(user)
    assert _listed(client.get("/tasks/?per_page=500").content.decode()) == expected
    assert _listed(every_page(client, "/my/")) == expected  # nothing is completed yet
    texts = exported_texts(client.get("/tasks/?_export=xlsx"))
    expected_texts = {Milestone.objects.get(plan__code=c, position=p).text for c, p in expected}
    all_texts = set(Milestone.objects.values_list("text", flat=True))
    assert texts & all_texts == expected_texts
    json_ids = {t["id"] for t in every_api_task(client)}
    assert set(Milestone.objects.filter(pk__in=json_ids).values_list("plan__code", "position")) == expected


def test_street_liaison_sees_the_tasks_of_all_streets(client_as):
    rows = expected_rows("礼乐街道")
    rcqq = [node_plan_rows("jianghai-rcqq-2022")[n - 1] for c, n in rows if c == "jianghai-rcqq-2022"]
    assert any("各街道" in row["units"] for row in rcqq)  # through the group unit
    assert any("礼乐街道" in row["units"] for row in rcqq)  # named directly


def test_staff_and_leaders_see_every_node_plan(client_as):
    total = Milestone.objects.count()
    for role in ("staff", "leader"):
        assert len(_listed(client_as(role).get("/tasks/?per_page=500").content.decode())) == total
