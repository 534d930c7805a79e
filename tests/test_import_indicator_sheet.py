"""The import checks the 指标 sheet against the new plan's years before anything is written.

The reported case: 人才强区's 工作清单 exported with the real exporter and imported on /plans/import/ as
a 2025–2027 plan. Its 指标 sheet has 2022–2024 columns and target years 2022/2024, so the preview must
be refused, name the mismatched rows, and leave the database as it was; 确认导入 must be refused too.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from plans.loading.excel_import import PlanHeader, preview_import
from plans.models import Plan
from tests.test_loadplans import database_snapshot

pytestmark = pytest.mark.django_db


def export_rcqq(client, tmp_path):
    response = client.get("/plans/jianghai-rcqq-2022/worklist.xlsx")
    assert response.status_code == 200
    path = tmp_path / "人才强区工作清单.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def indicator_sheet(path):
    """Rows of the 指标 sheet as the file has them: {indicator name: (row number, {title: text})}."""
    sheet = load_workbook(path)["指标"]
    titles = [c.value for c in sheet[1]]
    return {
        row[titles.index("指标")]: (number, dict(zip(titles, row, strict=True)))
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2)
    }


def form_data(path, code="rcqq-2025", start=2025, end=2027):
    return {
        "file": SimpleUploadedFile(path.name, path.read_bytes()),
        "code": code,
        "title": "江海区“人才强区”行动计划（2025年—2027年）",
        "issue_date": "2025-03-01",
        "region": "jianghai",
        "start_year": start,
        "end_year": end,
    }


def test_the_reported_case_is_refused_in_the_preview_with_every_mismatched_row(client_as, tmp_path):
    client = client_as("staff")
    path = export_rcqq(client, tmp_path)
    rows = indicator_sheet(path)
    assert len(rows) == 40  # plan.yaml of jianghai-rcqq-2022 lists 40 indicators
    before = database_snapshot()

    response = client.post("/plans/import/", form_data(path))
    body = response.content.decode()
    assert response.status_code == 400
    assert "校验通过" not in body and "确认导入" not in body
    where = f"{path.name} 指标"
    # The header has 2022年–2024年 where the plan needs 2025年–2027年.
    assert f"{where} 第1行（表头）：缺少“2025年”“2026年”“2027年”列" in body
    # Every indicator row is named: each has a target year outside 2025–2027 (39 print 2024, one 2022).
    for name, (line, cells) in rows.items():
        label = f"{where} 第{line}行“{name}”"
        assert f"{label}：目标年份 {cells['目标年份']} 年不在计划年度 2025—2027 年内" in body
    # A row with yearly figures is named for each of them: 表1 博士（后） prints 15 / 15 / 20.
    line, _ = rows["博士（后）"]
    for year, figure in ((2022, 15), (2023, 15), (2024, 20)):
        assert f"{where} 第{line}行“博士（后）”：{year}年计划值“{figure}”不在计划年度 2025—2027 年内" in body
    assert database_snapshot() == before

    token = response.context["token"]
    confirm = client.post("/plans/import/confirm/", {"token": token})
    assert confirm.status_code == 400
    assert "未导入，数据库未作任何修改" in confirm.content.decode()
    assert database_snapshot() == before
    assert not Plan.objects.filter(code="rcqq-2025").exists()


def test_the_same_file_imports_under_the_original_years(client_as, tmp_path):
    client = client_as("staff")
    path = export_rcqq(client, tmp_path)
    response = client.post("/plans/import/", form_data(path, "rcqq-copy", 2022, 2024))
    assert response.status_code == 200, response.context["preview"].errors
    assert "校验通过" in response.content.decode()
    confirm = client.post("/plans/import/confirm/", {"token": response.context["token"]})
    assert confirm.status_code == 302
    copy = Plan.objects.get(code="rcqq-copy")
    assert copy.indicators.count() == 40
    assert client.get("/dashboard/").status_code == 200


def test_each_bad_cell_of_the_indicator_sheet_is_named_by_row(client_as, tmp_path):
    path = export_rcqq(client_as("staff"), tmp_path)
    workbook = load_workbook(path)
    sheet = workbook["指标"]
    titles = [c.value for c in sheet[1]]

    def put(line, title, value):
        sheet.cell(line, titles.index(title) + 1).value = value

    put(2, "类型", "逐年")
    put(3, "目标值", "显著提升")
    put(4, "基期值", "约65")
    put(5, "目标年份", "二〇二四")
    put(6, "2023年", "1000000000000")
    put(7, "基期年份", "2023")
    put(8, "指标", None)
    workbook.save(path)
    names = {line: sheet.cell(line, titles.index("指标") + 1).value for line in range(2, 9)}
    header = PlanHeader("rcqq-bad", "坏指标", "jianghai", 2022, 2024, issue_date=date(2022, 1, 1))
    before = database_snapshot()
    errors = preview_import(path, "bad.xlsx", header).errors
    where = "bad.xlsx 指标"
    expected = [
        f"{where} 第2行“{names[2]}”：类型“逐年”无效",
        f"{where} 第3行“{names[3]}”：目标值“显著提升”不是可识别的数值",
        f"{where} 第4行“{names[4]}”：基期值“约65”不是可识别的数值",
        f"{where} 第5行“{names[5]}”：目标年份“二〇二四”不是四位年份",
        f"{where} 第6行“{names[6]}”：2023年计划值“1000000000000”过大",
        f"{where} 第7行“{names[7]}”：基期年份 2023 年晚于计划起始年份 2022 年",
        f"{where} 第8行“”：缺少指标名称",
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), (message, errors)
    assert len([e for e in errors if e.startswith(where)]) == len(expected)  # nothing else is reported
    assert database_snapshot() == before
