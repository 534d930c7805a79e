"""Loading is idempotent, and bad fixture input fails the whole load with a clear message."""

import shutil

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from plans.loading.load import load_plans
from talentplan.lib.fixtures import FixtureError

pytestmark = pytest.mark.django_db

SNAPSHOT_APPS = ["units", "plans", "targets"]


def database_snapshot() -> dict:
    """Every row of every model (history tables included) of our apps, keyed by table."""
    snapshot = {}
    for app in SNAPSHOT_APPS:
        for model in apps.get_app_config(app).get_models():
            snapshot[model._meta.db_table] = list(model.objects.order_by("pk").values())
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            snapshot.setdefault(model._meta.db_table, list(model.objects.order_by("pk").values()))
    return snapshot


def test_loading_twice_changes_nothing(capsys):
    # The session's database was loaded once already; a plain second load leaves every existing plan alone.
    before = database_snapshot()
    assert sum(len(rows) for rows in before.values()) > 1000
    call_command("loadplans")
    assert database_snapshot() == before
    output = capsys.readouterr().out
    assert output.count("已存在，未修改（如需按 fixtures 更新请使用 --update）") == 3
    assert "完成：新建 0 个行动计划" in output


def test_updating_from_unchanged_fixtures_changes_nothing(capsys):
    before = database_snapshot()
    call_command("loadplans", "--update")
    assert database_snapshot() == before
    output = capsys.readouterr().out
    assert output.count("；本次写入变更 0 处，保留门户中的修改或记录 0 处") == 3
    assert "[" not in output  # no row-by-row notes: nothing to do and nothing kept


@pytest.fixture
def fixture_copy(tmp_path, fixtures_dir):
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, target)
    return target


def _replace_in_row(path, line_number: int, old: str, new: str) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines[line_number - 1]


def test_unknown_unit_fails_the_load_naming_file_row_and_text(fixture_copy):
    worklist = fixture_copy / "plans" / "jianghai-rcqq-2022" / "worklist.tsv"
    _replace_in_row(worklist, 3, "区人力资源和社会保障局", "区人力资源和社会保障厅")
    before = database_snapshot()
    with pytest.raises(FixtureError) as excinfo:
        load_plans(fixtures_dir=fixture_copy)
    message = str(excinfo.value)
    assert "jianghai-rcqq-2022/worklist.tsv 第3行" in message
    assert "未知单位“区人力资源和社会保障厅”" in message
    assert "区人力资源和社会保障局" in message  # the close match is suggested
    assert database_snapshot() == before


def test_unreadable_completion_time_fails_the_load_and_changes_nothing(fixture_copy):
    worklist = fixture_copy / "plans" / "jianghai-bsh-2022" / "worklist.tsv"
    # Also change a plan title: a partial load would show it.
    plan_yaml = fixture_copy / "plans" / "jianghai-rcqq-2022" / "plan.yaml"
    plan_yaml.write_text(plan_yaml.read_text(encoding="utf-8").replace("title: ", "title: 改动", 1), encoding="utf-8")
    _replace_in_row(worklist, 2, "每年12月", "尽快完成")
    before = database_snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command("loadplans", fixtures_dir=str(fixture_copy))
    message = str(excinfo.value)
    assert "载入失败，数据库未作任何修改" in message
    assert "jianghai-bsh-2022/worklist.tsv 第2行" in message
    assert "无法识别的完成时间“尽快完成”" in message
    assert database_snapshot() == before


def test_command_reports_unknown_plan_code():
    with pytest.raises(CommandError, match="找不到计划代码：no-such-plan"):
        call_command("loadplans", "no-such-plan")


def test_malformed_row_is_reported_with_its_line(fixture_copy):
    worklist = fixture_copy / "plans" / "nanping-cjwy-2021" / "worklist.tsv"
    with worklist.open("a", encoding="utf-8") as handle:
        handle.write("只有\t三列\t而已\n")
    with pytest.raises(FixtureError, match=r"nanping-cjwy-2021/worklist.tsv 第34行：应有 9 列，实际 3 列"):
        load_plans(fixtures_dir=fixture_copy)


def test_lead_unit_must_be_one_of_the_rows_units(fixture_copy):
    worklist = fixture_copy / "plans" / "jianghai-rcqq-2022" / "worklist.tsv"
    lines = worklist.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split("\t")
    cells[7] = "区教育局"
    lines[1] = "\t".join(cells)
    worklist.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FixtureError, match="第2行：牵头单位“区教育局”不在本行责任单位中"):
        load_plans(fixtures_dir=fixture_copy)
