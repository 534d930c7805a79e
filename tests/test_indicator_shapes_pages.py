"""Every page and download that shows indicators answers 200 with meaningful content, for every shape
an indicator can legally hold (the model accepts any text, as 数据管理 does), on plans of one year and
of three years and on a plan without node plans, before, during and after the plan, as staff and leader.

The shapes are a fixed table (hypothesis covers the pure functions in test_trajectory_shapes.py). The
expected completion labels are worked out by hand in the table's comments.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from docx import Document
from openpyxl import Workbook, load_workbook

from plans.loading.excel_import import PlanHeader, confirm_import
from plans.models import Plan
from targets.comparators import TargetError, parse_target
from targets.models import Indicator, IndicatorYear
from units.models import Region

pytestmark = pytest.mark.django_db


@dataclass
class Shape:
    name: str
    kind: str
    target: str = ""
    target_year: str | None = "end"  # "start", "end", "before" (start - 1), "after" (end + 3) or None
    baseline: str = ""
    yearly: dict = field(default_factory=dict)  # offset from the first plan year → printed text
    actuals: dict = field(default_factory=dict)  # offset → approved increment (may fall outside the plan)
    unit: str = "个"
    expect: str | None = None  # completion label on the indicator page, where the date does not change it


SHAPES = [
    Shape("无基期无年度值", "cumulative", "100 以上", expect="暂无实际值"),
    Shape("仅有基期", "cumulative", baseline="65", target_year=None, actuals={0: 5}, expect="无计划值"),
    # 65 + 15 reached of "100 以上": 80/100 = 80.0 %.
    Shape("基期加增量", "cumulative", "100 以上", baseline="65", yearly={0: "15", 1: "15", 2: "20"},
          actuals={0: 15}, expect="80.0%"),
    Shape("部分年份有实际值", "cumulative", baseline="0", yearly={0: "1", 1: "1", 2: "1"}, actuals={0: 1, 2: 1}),
    Shape("目标年份早于计划", "total", "100", target_year="before", expect="暂无实际值"),
    Shape("目标年份晚于计划", "total", "50", target_year="after", actuals={0: 10}, expect="20.0%"),  # 10/50
    Shape("目标为0", "total", "0", actuals={0: 0}, expect="—"),
    Shape("没有目标值", "total", "", expect="无计划值"),
    Shape("目标不是数值", "total", "显著提升", actuals={0: 3}, expect="无计划值"),
    Shape("百分比目标", "total", "达80%", unit="%", actuals={0: 85}, expect="106.3%"),  # 85/80
    Shape("每年目标", "annual", "不少于6", target_year=None, actuals={0: 6}),
    Shape("每年目标无数值", "annual", "", target_year=None, expect="无计划值"),
    # Baseline "约65" is not a figure (counts as none); 21 reached of "超20" (needs 21): 100.0 %.
    Shape("基期和年度值不是数值", "cumulative", "超20", baseline="约65", yearly={0: "若干"}, actuals={0: 21},
          expect="100.0%"),
    Shape("区间目标", "total", "3—5", actuals={0: 4}, expect="133.3%"),  # 4 of the lower bound 3
    Shape("超目标", "total", "超200", actuals={0: 201}, expect="100.0%"),  # "超200" needs 201
    # An actual left on a year outside the plan (its years changed in 数据管理) is not counted: 2/2.
    Shape("计划外年份的实际值", "cumulative", "2", baseline="0", yearly={0: "2"}, actuals={-1: 50, 0: 2},
          expect="100.0%"),
    Shape("负增量", "cumulative", "15", baseline="10", yearly={0: "5"}, actuals={0: -3}, expect="46.7%"),  # 7/15
    Shape("目标年份为首年", "total", "5", target_year="start", actuals={0: 5}, expect="100.0%"),
]  # fmt: skip

PLANS = {
    "one-year": (2025, 2025, True),
    "three-year": (2025, 2027, True),
    "no-node-plans": (2025, 2027, False),
}


def worklist_file(path, end_year):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工作清单"
    sheet.append(["工作任务", "项目内容", "工作举措", "节点计划", "完成时间", "牵头单位", "责任单位"])
    measure = ["育才", "(一)形状测试", "1.形状测试举措"]
    sheet.append([*measure, "(1)形状测试节点计划", f"{end_year}年12月", "区委组织部", "区委组织部"])
    sheet.append([*measure, "(2)形状测试长期工作", "长期推进", "区委组织部", "区委组织部"])
    workbook.save(path)
    return path


def _year(start, end, where):
    return {"start": start, "end": end, "before": start - 1, "after": end + 3, None: None}[where]


def make_plan(tmp_path, code, start, end, with_milestones) -> Plan:
    if with_milestones:
        header = PlanHeader(code, f"形状测试计划{code}", "jianghai", start, end, issue_date=date(start, 1, 1))
        plan = confirm_import(worklist_file(tmp_path / f"{code}.xlsx", end), f"{code}.xlsx", header)
    else:
        plan = Plan.objects.create(
            code=code, title=f"形状测试计划{code}", issuers="测试", issue_date=date(start, 1, 1),
            start_year=start, end_year=end, region=Region.objects.get(code="jianghai"),
        )  # fmt: skip
    for position, shape in enumerate(SHAPES, start=1):
        try:
            target = parse_target(shape.target)
        except TargetError:
            target = None  # as 数据管理 would leave it: the text kept, no parsed value
        indicator = Indicator.objects.create(
            plan=plan, position=position, table="形状表", name=shape.name, measure_unit=shape.unit,
            kind=shape.kind, baseline_text=shape.baseline, target_text=shape.target,
            target_value=target.value if target else None, comparator=target.comparator if target else "",
            target_year=_year(start, end, shape.target_year),
        )  # fmt: skip
        years = set(range(start, end + 1)) | {start + offset for offset in shape.actuals}
        for year in sorted(years):
            actual = shape.actuals.get(year - start)
            IndicatorYear.objects.create(
                indicator=indicator,
                year=year,
                planned_text=shape.yearly.get(year - start, "") if year <= end else "",
                actual_value=Decimal(actual) if actual is not None else None,
            )
    return plan


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def docx_text(response) -> str:
    document = Document(io.BytesIO(downloaded(response)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    content = response if isinstance(response, bytes) else downloaded(response)
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


@pytest.mark.parametrize("today", [date(2024, 6, 1), date(2025, 7, 2), date(2028, 3, 1)])
@pytest.mark.parametrize("plan_shape", sorted(PLANS))
def test_every_indicator_page_and_download_answers_for_every_shape(client_as, tmp_path, plan_shape, today):
    start, end, with_milestones = PLANS[plan_shape]
    plan = make_plan(tmp_path, f"shapes-{plan_shape}", start, end, with_milestones)
    indicators = list(plan.indicators.order_by("position"))
    with time_machine.travel(today, tick=False):
        for role in ("staff", "leader"):
            client = client_as(role)
            for url in ("/dashboard/", f"/dashboard/?plan={plan.pk}"):
                response = client.get(url)
                assert response.status_code == 200, (role, url)
                body = response.content.decode()
                for indicator in indicators:
                    assert f"/indicators/{indicator.pk}/" in body and indicator.name in body
                assert "目标 达80%<" in body  # the unit is not printed twice ("达80%%")
                assert f"目标年份 {start - 1} 年不在计划年度 {start}—{end} 年内" in body

            page = client.get(f"/plans/{plan.code}/")
            assert page.status_code == 200 and plan.title in page.content.decode()

            for indicator, shape in zip(indicators, SHAPES, strict=True):
                response = client.get(f"/indicators/{indicator.pk}/")
                assert response.status_code == 200, (role, shape.name)
                body = response.content.decode()
                assert shape.name in body
                if shape.expect:
                    assert f'<dt class="col-4">完成率</dt><dd class="col-8">{shape.expect}' in body, shape.name
            assert "目标值“显著提升”不是可计算的数值" in client.get(f"/indicators/{indicators[8].pk}/").content.decode()

            workbook = client.get(f"/plans/{plan.code}/worklist.xlsx")
            assert workbook.status_code == 200
            content = downloaded(workbook)
            sheets = xlsx_sheets(content)
            header, *rows = sheets["指标"]
            year_columns = [title for title in header if title.endswith("年") and title[:4].isdigit()]
            assert year_columns == [f"{year}年" for year in range(start, end + 1)]
            assert [row[header.index("指标")] for row in rows] == [shape.name for shape in SHAPES]
            by_name = {row[header.index("指标")]: row for row in rows}
            # 完成率 is a number cell of percent points (issue 21, item 5), so it sorts: 85/80 = 106.25 % → 106.3.
            assert by_name["百分比目标"][header.index("完成率")] == 106.3
            indicator_sheet = load_workbook(io.BytesIO(content))["指标"]
            completion = indicator_sheet.cell(rows.index(by_name["百分比目标"]) + 2, header.index("完成率") + 1)
            assert completion.data_type == "n"
            assert by_name["目标不是数值"][header.index("完成率")] == "无计划值"
            assert len(sheets["工作清单"]) == (3 if with_milestones else 1)  # header + node plans

            for year in range(start, end + 1):
                bulletin = client.get(f"/plans/{plan.code}/bulletin.docx?year={year}")
                assert bulletin.status_code == 200
                text = docx_text(bulletin)
                # The 公文 (issue 21, item 1) puts the indicator table in 附件3 “指标完成情况”, named in the 附件说明.
                assert "3．指标完成情况" in text and "附件3\n指标完成情况" in text
                assert all(shape.name in text for shape in SHAPES)
                assert "达80%\n" in text and "达80%%" not in text and "无目标值" in text

            export = client.get("/tasks/?_export=xlsx")
            assert export.status_code == 200
            cells = {cell for rows in xlsx_sheets(export).values() for row in rows for cell in row if cell}
            assert ("(1)形状测试节点计划" in cells) == with_milestones


def test_a_plan_cannot_end_before_it_starts():
    from django.core.exceptions import ValidationError

    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    plan.end_year = plan.start_year - 1
    with pytest.raises(ValidationError, match="截止年份不能早于起始年份"):
        plan.full_clean()
