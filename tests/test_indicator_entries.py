"""Actual figures: entered by staff or the assigned unit, reviewed, kept in history; bad input is refused."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.workflow import indicator_entries
from targets.models import Indicator, IndicatorEntry, IndicatorYear
from tests.helpers import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def phd():
    """表1 博士（后）: baseline 65; assigned to 区人社局."""
    indicator = Indicator.objects.get(plan__code="jianghai-rcqq-2022", name="博士（后）")
    indicator.unit = indicator.plan.region.units.get(name="区人力资源和社会保障局")
    indicator.save()
    return indicator


def test_a_year_end_total_becomes_that_years_increment(user_named, phd):
    staff = user_named("staff")
    first = indicator_entries.submit_entry(user_named("liaison_hr"), phd, 2022, "total", Decimal(78), "统计年报")
    assert first.increment == Decimal(13)  # 78 - 65
    indicator_entries.review_entry(staff, first, True, "", first.version)
    second = indicator_entries.submit_entry(user_named("liaison_hr"), phd, 2023, "total", Decimal(95), "统计年报")
    assert second.increment == Decimal(17)  # 95 - 65 - 13
    assert IndicatorYear.objects.get(indicator=phd, year=2022).actual_value == Decimal(13)
    assert IndicatorYear.objects.get(indicator=phd, year=2023).actual_value is None  # not yet approved
    assert IndicatorYear.objects.get(indicator=phd, year=2022).history.count() >= 2


def test_liaison_enters_through_the_page_and_staff_approve(client_as, phd):
    response = client_as("liaison_hr").post(
        reverse("plans:entry_create", args=[phd.pk]),
        {"year": 2022, "value_kind": "increment", "value": "15", "source_note": "人社局统计", "evidence": pdf_upload()},
    )
    assert response.status_code == 302
    entry = IndicatorEntry.objects.get()
    assert entry.evidence_name == "进展佐证.pdf"
    client_as("staff").post(
        reverse("plans:entry_review", args=[entry.pk]),
        {f"e{entry.pk}-version": entry.version, f"e{entry.pk}-decision": "approve", f"e{entry.pk}-comment": ""},
    )
    assert IndicatorYear.objects.get(indicator=phd, year=2022).actual_value == Decimal(15)
    body = client_as("leader").get(reverse("plans:indicator", args=[phd.pk])).content.decode()
    assert "已通过" in body and "<svg" in body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"value": "-5"}, "数值不能为负数"),
        ({"value": "很多"}, "请输入数字"),
        ({"source_note": ""}, "请填写数据来源"),
        ({"evidence": SimpleUploadedFile("表.xlsx", b"not a spreadsheet")}, "内容不是允许的类型"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_saves_nothing(client_as, phd, data, message):
    post = {"year": 2022, "value_kind": "increment", "value": "15", "source_note": "统计"} | data
    response = client_as("liaison_hr").post(reverse("plans:entry_create", args=[phd.pk]), post)
    assert response.status_code == 400 and message in response.content.decode()
    assert IndicatorEntry.objects.count() == 0


def test_other_units_and_leaders_cannot_enter(client_as, phd):
    url = reverse("plans:entry_create", args=[phd.pk])
    post = {"year": 2022, "value_kind": "increment", "value": "1", "source_note": "x"}
    assert client_as("liaison_health").post(url, post).status_code == 404
    assert client_as("leader").post(url, post).status_code == 403
    assert IndicatorEntry.objects.count() == 0


def test_plan_excel_download_has_progress_and_actuals(client_as, user_named, phd):
    import io

    from openpyxl import load_workbook

    entry = indicator_entries.submit_entry(user_named("staff"), phd, 2022, "increment", Decimal(15), "统计")
    indicator_entries.review_entry(user_named("staff"), entry, True, "", entry.version)
    response = client_as("leader").get(reverse("plans:worklist_download", args=["jianghai-rcqq-2022"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = [c.value for c in workbook["工作清单"][1]]
    for column in ["状态", "灯色", "最新审核通过进展", "最近更新", "牵头单位", "责任单位"]:
        assert column in header
    # Issue 21: the 工作清单 reads as the document's table does (seed 000: "工作任务 项目内容 工作举措
    # 节点计划 完成时间 责任单位"); 牵头单位, written in the document inside the measure, is added after.
    document = ["序号", "工作任务", "项目内容", "工作举措", "节点计划", "完成时间", "责任单位"]
    assert header[: len(document)] == document
    assert header.index("牵头单位") > header.index("责任单位")
    sheet = workbook["指标"]
    titles = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[titles.index("指标")] == "博士（后）")
    # Figures are number cells (issue 21, item 5): the 15 entered for 2022, and the cumulative 80.
    assert row[titles.index("2022年实际")] == 15 and row[titles.index("实际累计")] == 80
