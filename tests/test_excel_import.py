"""Importing a plan from Excel: a good file, bad rows (each reported, nothing written), non-xlsx, round trip."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from plans.excel.worklist import worklist_rows
from plans.models import Milestone, Plan
from tests.test_loadplans import database_snapshot

pytestmark = pytest.mark.django_db

HEADER = ["--region", "jianghai", "--start-year", "2022", "--end-year", "2024", "--title", "复制的计划"]


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "rcqq.xlsx"
    call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(path))
    return path


def _import(path, code="rcqq-copy", *extra):
    call_command("import_worklist", str(path), "--plan-code", code, *HEADER, *extra)


def test_round_trip_gives_the_same_rows(exported):
    _import(exported)
    original = Plan.objects.get(code="jianghai-rcqq-2022")
    copy = Plan.objects.get(code="rcqq-copy")
    assert worklist_rows(copy) == worklist_rows(original)
    assert copy.indicators.count() == original.indicators.count()
    assert list(copy.indicators.values_list("name", "baseline_text", "target_text", "comparator")) == list(
        original.indicators.values_list("name", "baseline_text", "target_text", "comparator")
    )


@pytest.mark.parametrize("code", ["jianghai-bsh-2022", "nanping-cjwy-2021"])
def test_round_trip_for_the_other_plans(tmp_path, code):
    path = tmp_path / f"{code}.xlsx"
    call_command("export_worklist", code, "-o", str(path))
    plan = Plan.objects.get(code=code)
    region = plan.region.code
    call_command(
        "import_worklist",
        str(path),
        "--plan-code",
        "copy",
        "--region",
        region,
        "--start-year",
        str(plan.start_year),
        "--end-year",
        str(plan.end_year),
        "--title",
        "副本",
    )
    assert worklist_rows(Plan.objects.get(code="copy")) == worklist_rows(plan)


def test_three_bad_rows_are_each_reported_and_nothing_is_written(exported):
    workbook = load_workbook(exported)
    sheet = workbook["工作清单"]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("责任单位") + 1, "区委组织部、区人力资源和社会保障厅")
    sheet.cell(5, header.index("完成时间") + 1, "尽快完成")
    sheet.cell(7, header.index("工作举措") + 1).value = None
    workbook.save(exported)
    before = database_snapshot()
    with pytest.raises(CommandError) as excinfo:
        _import(exported)
    message = str(excinfo.value)
    assert "第3行：未知单位“区人力资源和社会保障厅”（是否为：区人力资源和社会保障局" in message
    assert "无法识别的完成时间“尽快完成”（rcqq.xlsx 第5行）" in message
    assert "第7行：缺少工作举措" in message
    assert "数据库未作任何修改" in message
    assert database_snapshot() == before
    assert not Plan.objects.filter(code="rcqq-copy").exists()


def test_a_file_that_is_not_xlsx_is_refused(tmp_path):
    fake = tmp_path / "plan.xlsx"
    fake.write_text("工作任务,项目内容\n育才,一\n", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 Excel（.xlsx）文件"):
        _import(fake)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="是空文件"):
        _import(empty)


def test_an_existing_plan_code_is_refused(exported):
    with pytest.raises(CommandError, match="计划代码“jianghai-rcqq-2022”已存在"):
        _import(exported, "jianghai-rcqq-2022")


def test_dry_run_writes_nothing(exported, capsys):
    count = Milestone.objects.count()
    _import(exported, "rcqq-dry", "--dry-run")
    assert "校验通过，共 43 行" in capsys.readouterr().out  # 40 worklist rows + 3 组织保障 commitments
    assert Milestone.objects.count() == count
