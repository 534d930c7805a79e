"""loadplans never loses what the portal did: a plain load leaves existing plans alone, and --update changes
only fields still holding what the last load wrote, and never deletes a node plan anything hangs on."""

import re
import shutil
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans.models import FixtureSnapshot, Instruction, Milestone, MilestoneUnit, Occurrence, Plan, ProgressReport
from plans.notifications.outbox import record_digests
from plans.workflow import instructions, reporting
from plans.workflow.indicator_entries import submit_entry
from targets.models import Indicator, IndicatorEntry
from tests.helpers import submit
from tests.test_loadplans import database_snapshot
from units.models import Unit, UnitAlias

pytestmark = pytest.mark.django_db

RCQQ = "jianghai-rcqq-2022"


# -- helpers ---------------------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if attrs.get("type") in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value", default))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def admin_save(client, url: str, **changes) -> None:
    """Open an admin form, change some fields and save it, as staff do in 数据管理."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}
    data.pop("_popup", None)
    data.update({name: value if isinstance(value, list) else str(value) for name, value in changes.items()})
    response = client.post(url, {**data, "_save": "保存"})
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())


def milestone_at(position: int, code: str = RCQQ) -> Milestone:
    return Milestone.objects.get(plan__code=code, position=position)


def run(*args, **options) -> str:
    """Run loadplans and return what it printed."""
    from io import StringIO

    out = StringIO()
    call_command("loadplans", *args, stdout=out, **options)
    return out.getvalue()


def notes(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  [")]


@pytest.fixture
def fixture_copy(tmp_path, fixtures_dir):
    target = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, target)
    return target


def edit_worklist(fixture_copy, line: int, old: str, new: str, code: str = RCQQ) -> None:
    path = fixture_copy / "plans" / code / "worklist.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def remove_worklist_lines(fixture_copy, *numbers: int, code: str = RCQQ) -> None:
    path = fixture_copy / "plans" / code / "worklist.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(line for n, line in enumerate(lines, start=1) if n not in numbers), encoding="utf-8")


def drop_body_lead(fixture_copy, worklist_line: int, code: str = RCQQ) -> None:
    path = fixture_copy / "plans" / code / "plan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["body_leads"] = [e for e in data["body_leads"] if e["worklist_line"] != worklist_line]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# -- the reported problem: an edit in 数据管理, a report and an added node plan survive -----------------------


def test_portal_edit_report_and_added_node_plan_survive_a_plain_load_and_an_update(client_as, user_named):
    staff = client_as("staff")
    # Row 7 of the worklist: 每年组织开展一次“拔尖人才”评选活动 ..., led by 区人力资源和社会保障局.
    edited = milestone_at(6)
    assert edited.text.startswith("每年组织开展一次“拔尖人才”评选活动")
    new_text = edited.text + "（2023年起改为每年两次）"
    admin_save(staff, reverse("admin:plans_milestone_change", args=[edited.pk]), text=new_text)
    edited.refresh_from_db()
    assert edited.text == new_text

    report = submit(user_named("liaison_hr"), edited, narrative="已完成2022年度评选。")

    admin_save(
        staff,
        reverse("admin:plans_milestone_add"),
        plan=edited.plan_id,
        measure=edited.measure_id,
        position=45,  # the plan has 40 node plans; staff put theirs after the last one, leaving a gap
        text="区委人才办新增：组织“拔尖人才”事迹宣传",
        due_text="2024年6月",
        schedule_kind="once",
        status="not_started",
        percent=0,
        version=1,
    )
    added = Milestone.objects.get(plan__code=RCQQ, text="区委人才办新增：组织“拔尖人才”事迹宣传")

    before = database_snapshot()
    output = run()
    assert database_snapshot() == before  # a plain load changes nothing at all
    assert f"{RCQQ}：已存在，未修改（如需按 fixtures 更新请使用 --update）" in output

    output = run("--update")
    assert database_snapshot() == before  # the fixtures did not change, so neither does the database
    assert f"{RCQQ}：fixtures 中节点计划 43 条" in output  # 40 worklist rows + 3 四、组织保障 commitments
    assert "本次写入变更 0 处，保留门户中的修改或记录 2 处" in output
    kept = notes(output)
    assert (
        f"[保留] {RCQQ} 节点计划 第6行“每年组织开展一次“拔尖人才”评选活动，激发高层次…”："
        "节点计划 已在门户中改为 "
        "“每年组织开展一次“拔尖人才”评选活动，激发高层次人才创新发展动力。（2023年起改为每年两次）”"
        "（fixtures 为 “每年组织开展一次“拔尖人才”评选活动，激发高层次人才创新发展动力。”），未覆盖"
    ) in kept
    assert (
        f"[保留] {RCQQ} 节点计划 第45行“区委人才办新增：组织“拔尖人才”事迹宣传”："
        "不在 fixtures 中（在门户中新增），未改动" in kept
    )
    assert len(kept) == 2

    edited.refresh_from_db()
    assert edited.text == new_text
    assert ProgressReport.objects.filter(pk=report.pk, milestone=edited).exists()
    assert Milestone.objects.filter(pk=added.pk, plan__code=RCQQ).exists()


# -- the fixtures change ----------------------------------------------------------------------------------


def test_update_applies_a_changed_fixture_after_showing_it_in_a_dry_run(fixture_copy):
    # worklist.tsv line 3 is node plan 2, line 7 is node plan 6 (line 1 is the header).
    edit_worklist(fixture_copy, 3, "编制急需紧缺人才目录。", "编制并发布急需紧缺人才目录。")
    edit_worklist(fixture_copy, 7, "每年12月", "每年6月")
    text_row, due_row = milestone_at(2), milestone_at(6)
    old_occurrences = set(due_row.occurrences.values_list("pk", flat=True))
    assert due_row.due_text == "每年12月" and len(old_occurrences) == 3

    before = database_snapshot()
    preview = run("--update", "--dry-run", fixtures_dir=str(fixture_copy))
    assert database_snapshot() == before
    assert "预演结束，未写入任何数据" in preview
    planned = notes(preview)
    assert (
        f"[更新] {RCQQ} 节点计划 第2行“摸清人才底数，了解人才结构分布和人才缺口情况，编…”：节点计划 "
        "“摸清人才底数，了解人才结构分布和人才缺口情况，编制急需紧缺人才目录。” → "
        "“摸清人才底数，了解人才结构分布和人才缺口情况，编制并发布急需紧缺人才目录。”"
    ) in planned
    due_subject = f"{RCQQ} 节点计划 第6行“每年组织开展一次“拔尖人才”评选活动，激发高层次…”"
    assert f"[更新] {due_subject}：完成时间 “每年12月” → “每年6月”" in planned
    # Each plan year's December deadline becomes a June one (30 June: June has 30 days).
    for year in (2022, 2023, 2024):
        assert f"[新增] {due_subject}：期次“{year}年6月”（截止 {year}-06-30）" in planned
        assert f"[删除] {due_subject}：期次“{year}年12月”（fixtures 的完成时间已改，且没有关联记录）" in planned
    assert len(planned) == 8  # exactly those two rows, nothing else

    output = run("--update", fixtures_dir=str(fixture_copy))
    assert notes(output) == planned  # the update does what the preview listed
    assert f"{RCQQ}：fixtures 中节点计划 43 条" in output and "本次写入变更 8 处，保留门户中的修改或记录 0 处" in output

    text_row.refresh_from_db()
    due_row.refresh_from_db()
    assert text_row.text == "摸清人才底数，了解人才结构分布和人才缺口情况，编制并发布急需紧缺人才目录。"
    assert (due_row.due_text, due_row.schedule_kind) == ("每年6月", "yearly")
    assert sorted(due_row.occurrences.values_list("due_date", flat=True)) == [
        date(2022, 6, 30),
        date(2023, 6, 30),
        date(2024, 6, 30),
    ]
    assert not Occurrence.objects.filter(pk__in=old_occurrences).exists()
    # Everything else is as it was: same node plans, same deadlines for the other rows.
    after = database_snapshot()
    others = [row for row in before["plans_milestone"] if row["id"] not in (text_row.pk, due_row.pk)]
    assert [row for row in after["plans_milestone"] if row["id"] not in (text_row.pk, due_row.pk)] == others
    other_occurrences = [row for row in before["plans_occurrence"] if row["milestone_id"] != due_row.pk]
    assert [row for row in after["plans_occurrence"] if row["milestone_id"] != due_row.pk] == other_occurrences

    # A second update finds nothing left to do.
    assert "；本次写入变更 0 处，保留门户中的修改或记录 0 处" in run("--update", fixtures_dir=str(fixture_copy))


def test_update_keeps_a_field_edited_in_the_portal_and_says_so(client_as, fixture_copy):
    edit_worklist(fixture_copy, 3, "编制急需紧缺人才目录。", "编制并发布急需紧缺人才目录。")
    edit_worklist(fixture_copy, 7, "每年12月", "每年6月")
    text_row, due_row = milestone_at(2), milestone_at(6)
    admin_save(client_as("staff"), reverse("admin:plans_milestone_change", args=[due_row.pk]), due_text="每年10月")
    occurrences_before = list(due_row.occurrences.order_by("pk").values())

    output = run("--update", fixtures_dir=str(fixture_copy))

    due_row.refresh_from_db()
    text_row.refresh_from_db()
    assert due_row.due_text == "每年10月"  # the portal's value stands
    assert list(due_row.occurrences.order_by("pk").values()) == occurrences_before
    assert text_row.text.endswith("编制并发布急需紧缺人才目录。")  # the row nobody edited follows the fixtures
    assert (
        f"[保留] {RCQQ} 节点计划 第6行“每年组织开展一次“拔尖人才”评选活动，激发高层次…”："
        "完成时间 已在门户中改为 “每年10月”"
        "（上次载入为 “每年12月”），fixtures 的新值 “每年6月” 未采用"
    ) in notes(output)
    assert "本次写入变更 1 处，保留门户中的修改或记录 1 处" in output


def test_a_removed_row_is_deleted_only_when_nothing_hangs_on_it(fixture_copy, user_named):
    # Worklist line n is node plan n-1. Removed from the fixtures:
    free = milestone_at(28)  # line 29: 打造集阅读休闲区… (2023年12月), the only node plan of its measure
    reported = milestone_at(17)  # line 18: 签订《人才供给战略合作协议》… (区人社局), gets a report
    instructed = milestone_at(15)  # line 16: 利用国家政法智能化技术创新中心… gets a leader's instruction
    reminded = milestone_at(34)  # line 35: 在2022年底前建立我区（国际）人才… (due 2022-12-31), gets a reminder
    status_set = milestone_at(9)  # line 10: 定期组织举办创新创业大赛… , staff set its status
    assert free.text.startswith("打造集阅读休闲区") and reported.text.startswith("签订《人才供给战略合作协议》")
    submit(user_named("liaison_hr"), reported, narrative="协议已草拟。")
    instructions.give_instruction(user_named("leader"), instructed, "请加快推进。")
    record_digests(date(2022, 12, 24), [RCQQ])  # 7 days before 2022-12-31: the lead units' digests list it
    reporting.update_status(user_named("staff"), status_set, "in_progress", 30, status_set.version, "已启动")
    free_measure = free.measure_id
    remove_worklist_lines(fixture_copy, 29, 18, 16, 35, 10)
    drop_body_lead(fixture_copy, 35)  # line 35's body-text lead (区委组织部) leaves with its row

    output = run("--update", fixtures_dir=str(fixture_copy))

    lines = notes(output)
    assert (
        f"[删除] {RCQQ} 节点计划 第28行“打造集阅读休闲区、健身娱乐区、综合服务区等功能区…”："
        "fixtures 中已删除，且没有任何关联记录" in lines
    )
    assert not Milestone.objects.filter(pk=free.pk).exists()
    assert f"[删除] {RCQQ} 工作举措 第23条“23.打造开放共享的人才社区”：fixtures 中已删除，且没有任何关联记录" in lines
    assert not Milestone.objects.filter(measure_id=free_measure).exists()

    def kept_line(milestone):
        prefix = f"[保留] {RCQQ} 节点计划 第{milestone.position}行"
        found = [line for line in lines if line.startswith(prefix)]
        assert len(found) == 1, (prefix, lines)
        return found[0]

    assert "fixtures 中已删除，但有进展报告 1 份" in kept_line(reported)
    assert "有领导批示 1 条" in kept_line(instructed)
    assert "有提醒记录" in kept_line(reminded)
    assert "有在门户中的修改记录 1 条" in kept_line(status_set)
    # Line 18 was the only row of item (十): the item keeps its worklist spelling rather than losing it.
    assert not [line for line in lines if " 项目内容 " in line], lines
    for kept in (reported, instructed, reminded, status_set):
        assert Milestone.objects.filter(pk=kept.pk).exists()
    assert ProgressReport.objects.filter(milestone=reported).count() == 1
    assert Instruction.objects.filter(milestone=instructed).count() == 1

    # The measures of the reported, reminded and status_set rows had no other node plan, so they leave the
    # fixtures too and stay for the node plan under them: 4 node plans and 3 measures kept.
    assert "保留门户中的修改或记录 7 处" in output
    # A second update deletes nothing more and still says why each stays.
    again = run("--update", fixtures_dir=str(fixture_copy))
    assert "本次写入变更 0 处，保留门户中的修改或记录 7 处" in again
    assert Milestone.objects.filter(plan__code=RCQQ).count() == 42  # 40 + 3 commitments, one deleted


def test_an_update_never_deletes_node_plans_added_in_the_portal(fixture_copy, user_named):
    plan = Plan.objects.get(code=RCQQ)
    added = Milestone.objects.create(
        plan=plan,
        measure=milestone_at(1).measure,
        position=99,
        text="工作人员新增的节点计划",
        schedule_kind="once",
        due_text="2024年12月",
    )
    remove_worklist_lines(fixture_copy, 2)  # node plan 1 leaves the fixtures; nothing hangs on it
    output = run("--update", fixtures_dir=str(fixture_copy))
    assert Milestone.objects.filter(pk=added.pk).exists()
    assert f"[保留] {RCQQ} 节点计划 第99行“工作人员新增的节点计划”：不在 fixtures 中（在门户中新增），未改动" in notes(
        output
    )
    # Row numbers close the gap; the staff-added node plan stays last (after 39 worklist rows and 3 commitments).
    added.refresh_from_db()
    assert added.position == 43


def test_unit_changes_in_the_fixtures_apply_unless_the_assignment_was_edited_in_the_portal(client_as, fixture_copy):
    # Line 25 (node plan 24) drops 区国有资产监督管理局; line 13 (node plan 12) drops 区委人才工作领导小组 成员单位,
    # whose role staff changed to 牵头 in 数据管理.
    edit_worklist(
        fixture_copy, 25, "区住房和城乡建设局、区国有资产监督管理局、工业园公司", "区住房和城乡建设局、工业园公司"
    )
    edit_worklist(fixture_copy, 13, "各街道、区委人才工作领导小组 成员单位", "各街道")
    housing, services = milestone_at(24), milestone_at(12)
    group = MilestoneUnit.objects.get(milestone=services, unit__name="区委人才工作领导小组成员单位")
    admin_save(client_as("staff"), reverse("admin:plans_milestoneunit_change", args=[group.pk]), role="lead")

    output = run("--update", fixtures_dir=str(fixture_copy))

    assert list(housing.assignments.order_by("position").values_list("unit__name", "role")) == [
        ("区住房和城乡建设局", "lead"),
        ("工业园公司", "lead"),
    ]
    assert list(services.assignments.order_by("position").values_list("unit__name", "role")) == [
        ("各街道", "lead"),
        ("区委人才工作领导小组成员单位", "lead"),
        ("区委人才办", "lead"),  # plan.yaml body_leads: the body text's 牵头单位 of item 8 (000 第81行)
    ]
    lines = notes(output)
    assert (
        f"[更新] {RCQQ} 节点计划 第24行“(1)加快江悦城、嘉华新都汇、天睿居425套人才…”：责任单位 "
        "“区住房和城乡建设局［牵头］、区国有资产监督管理局、工业园公司［牵头］” → "
        "“区住房和城乡建设局［牵头］、工业园公司［牵头］”"
    ) in lines
    assert any(
        line.startswith(f"[保留] {RCQQ} 节点计划 第12行") and "责任单位 已在门户中改为" in line for line in lines
    ), lines


def test_indicator_figures_follow_the_fixtures_but_not_over_portal_edits(client_as, fixture_copy, user_named):
    plan_yaml = fixture_copy / "plans" / RCQQ / "plan.yaml"
    text = plan_yaml.read_text(encoding="utf-8")
    # Indicator 2 (省级以上领军人才): 2024's planned increment 2 → 3 and the end target 12 → 13.
    old_second = 'yearly: {2022: "2", 2023: "2", 2024: "2"}\n    target: "12"'
    assert old_second in text
    text = text.replace(old_second, 'yearly: {2022: "2", 2023: "2", 2024: "3"}\n    target: "13"', 1)
    # Indicator 1: the fixtures rename it, and staff renamed it differently in 数据管理.
    text = text.replace("name: 省级以上创新创业团队", "name: 省级及以上创新创业团队", 1)
    plan_yaml.write_text(text, encoding="utf-8")
    first, second = (Indicator.objects.get(plan__code=RCQQ, position=n) for n in (1, 2))
    assert (first.name, second.name) == ("省级以上创新创业团队", "省级以上领军人才")
    admin_save(client_as("staff"), reverse("admin:targets_indicator_change", args=[first.pk]), name="省级创新创业团队")
    entry = submit_entry(user_named("staff"), second, 2022, "increment", Decimal("2"), "区人社局统计")

    output = run("--update", fixtures_dir=str(fixture_copy))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.name == "省级创新创业团队"
    assert (second.target_text, second.target_value, second.comparator) == ("13", Decimal("13"), "gte")
    year_2024 = second.years.get(year=2024)
    assert (year_2024.planned_text, year_2024.planned_value) == ("3", Decimal("3"))
    assert IndicatorEntry.objects.filter(pk=entry.pk).exists()
    lines = notes(output)
    assert f"[更新] {RCQQ} 指标 第2项“省级以上领军人才”：目标值 “12” → “13”" in lines
    assert f"[更新] {RCQQ} 指标 第2项“省级以上领军人才” 2024年：计划值 “2” → “3”" in lines
    assert (
        f"[保留] {RCQQ} 指标 第1项“省级创新创业团队”：指标名称 已在门户中改为 “省级创新创业团队”"
        "（上次载入为 “省级以上创新创业团队”），fixtures 的新值 “省级及以上创新创业团队” 未采用"
    ) in lines
    assert len(lines) == 3


# -- failures, deleted plans, plans loaded before snapshots existed ----------------------------------------


def test_a_bad_fixture_fails_the_update_and_changes_nothing(fixture_copy):
    edit_worklist(fixture_copy, 3, "编制急需紧缺人才目录。", "编制并发布急需紧缺人才目录。")
    edit_worklist(fixture_copy, 5, "区科学技术局", "区科学技术厅")
    before = database_snapshot()
    with pytest.raises(CommandError) as excinfo:
        run("--update", fixtures_dir=str(fixture_copy))
    assert "载入失败，数据库未作任何修改" in str(excinfo.value)
    assert "jianghai-rcqq-2022/worklist.tsv 第5行：未知单位“区科学技术厅”" in str(excinfo.value)
    assert database_snapshot() == before


def test_a_plan_deleted_in_the_portal_is_not_brought_back_unless_named():
    plan = Plan.objects.get(code="jianghai-bsh-2022")
    for related in (plan.milestones, plan.measures, plan.items, plan.categories):  # PROTECT needs this order
        related.all().delete()
    plan.delete()
    output = run()
    assert (
        "jianghai-bsh-2022：曾载入，已在门户中删除，未重新创建（如需重新载入，请运行 loadplans jianghai-bsh-2022）"
        in output
    )
    assert not Plan.objects.filter(code="jianghai-bsh-2022").exists()
    output = run("jianghai-bsh-2022")
    assert "jianghai-bsh-2022：新建，节点计划 25 条" in output  # 20 worklist.tsv rows + 5 commitments.tsv rows
    assert Plan.objects.filter(code="jianghai-bsh-2022").exists()


def test_without_a_snapshot_an_update_keeps_every_difference_and_deletes_nothing(fixture_copy):
    # A database loaded before snapshots existed: nobody can tell a portal edit from an old load.
    FixtureSnapshot.objects.filter(kind="plan", code=RCQQ).delete()
    edit_worklist(fixture_copy, 3, "编制急需紧缺人才目录。", "编制并发布急需紧缺人才目录。")
    remove_worklist_lines(fixture_copy, 29)
    before = Milestone.objects.filter(plan__code=RCQQ).count()
    output = run("--update", fixtures_dir=str(fixture_copy))
    assert milestone_at(2).text.endswith("编制急需紧缺人才目录。")
    assert Milestone.objects.filter(plan__code=RCQQ).count() == before
    assert "没有上次载入记录，无法判断是否在门户中修改过，未覆盖" in output
    assert "不在 fixtures 中；没有上次载入记录，无法判断是否在门户中新增，未删除" in output
    # The update recorded what the fixtures say now, so the next one has a base to compare against.
    assert FixtureSnapshot.objects.filter(kind="plan", code=RCQQ).exists()


# -- units ---------------------------------------------------------------------------------------------------


def test_a_unit_renamed_and_a_group_filled_in_the_portal_stay_so(client_as):
    staff = client_as("staff")
    education = Unit.objects.get(region__code="jianghai", name="区教育局")
    admin_save(staff, reverse("admin:units_unit_change", args=[education.pk]), name="江海区教育局")
    group = Unit.objects.get(region__code="jianghai", name="区直有关单位")
    members = Unit.objects.filter(region__code="jianghai", name__in=["区财政局", "区民政局"])
    admin_save(staff, reverse("admin:units_unit_change", args=[group.pk]), members=[u.pk for u in members])

    output = run()
    education.refresh_from_db()
    assert education.name == "江海区教育局"
    # The file still says 区教育局: that spelling now points at the renamed unit, so loading keeps working.
    assert UnitAlias.objects.get(region__code="jianghai", alias="区教育局").unit == education
    assert "[新增] 单位“江海区教育局”：已在门户中改名，fixtures 中的名称“区教育局”登记为其别名" in notes(output)
    assert Unit.objects.filter(region__code="jianghai", name="区教育局").count() == 0

    output = run("--update")
    assert "[保留] 单位“江海区教育局”：全称 已在门户中改为 “江海区教育局”（fixtures 为 “区教育局”），未覆盖" in notes(
        output
    )
    assert any(line.startswith("[保留] 单位“区直有关单位”：成员单位 已在门户中改为") for line in notes(output))
    assert set(group.members.values_list("name", flat=True)) == {"区财政局", "区民政局"}
    before = database_snapshot()
    run()
    assert database_snapshot() == before  # from here on, a plain load changes nothing
