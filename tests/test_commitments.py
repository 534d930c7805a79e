"""Every 工程 is trackable (issue 10): commitments of the body text and closing sections are node plans with
the 工程's lead units, who see them on 我的任务, get reminded, and appear in the 工作清单 export; caps are not
deadlines; the body text's leads are honoured; 数据体检 shows what reaches nobody.

Expected values come from fixtures/plans/nanping-cjwy-2021/commitments.tsv and fixtures/JUDGEMENTS.md §4–§8.
"""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from plans.data_check import data_health
from plans.excel.columns import HEADER as WORKLIST_HEADER
from plans.excel.worklist import worklist_rows
from plans.models import Item, Milestone, Plan
from tests.fixture_reading import commitment_rows, unit_names
from tests.helpers import every_my_task_id
from units.models import Membership, Unit

pytestmark = pytest.mark.django_db
NANPING = "nanping-cjwy-2021"
# The three 工程 with no attachment, their printed 牵头单位 (002:27, 002:41, 002:69) and how many commitments
# fixtures/JUDGEMENTS.md §4 made node plans of.
GONGCHENG = {
    "一": (["市委组织部"], 5),
    "三": (["市委组织部", "市科技局"], 8),
    "七": (["市教育局", "市卫健委"], 8),
}


def liaison_of(django_user_model, unit_name: str, username: str):
    user = django_user_model.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get_or_create(name="liaison")[0])
    Membership.objects.create(user=user, unit=Unit.objects.get(region__code="nanping", name=unit_name))
    return user


def gongcheng_milestones(numeral: str):
    return Milestone.objects.filter(plan__code=NANPING, measure__item__worklist_label__startswith=f"{numeral}、")


@pytest.mark.parametrize("numeral", GONGCHENG)
def test_gongcheng_one_three_seven_have_node_plans_led_by_their_lead_units(numeral):
    leads, count = GONGCHENG[numeral]
    milestones = gongcheng_milestones(numeral)
    assert milestones.count() == count
    for milestone in milestones:
        lead_names = [a.unit.name for a in milestone.assignments.all() if a.role == "lead"]
        assert lead_names == leads, milestone.text[:30]
        assert milestone.origin == "item" and re.search(r"002_fc266238fcc4098f\.txt 第\d+", milestone.source)


@pytest.mark.parametrize("numeral", GONGCHENG)
def test_lead_units_liaisons_see_the_new_node_plans_on_their_home_page(client, django_user_model, numeral):
    leads, _ = GONGCHENG[numeral]
    for index, unit_name in enumerate(leads):
        user = liaison_of(django_user_model, unit_name, f"gc{numeral}{index}")
        client.force_login(user)
        listed, _ = every_my_task_id(client)  # /my/ is paginated: every page
        for milestone in gongcheng_milestones(numeral):
            assert str(milestone.pk) in listed, (unit_name, milestone.text[:30])
        # …and may report on them (their unit is the lead).
        milestone = gongcheng_milestones(numeral).first()
        detail = client.get(reverse("plans:milestone", args=[milestone.pk])).content.decode()
        assert reverse("plans:report_create", args=[milestone.pk]) in detail


def test_reminder_dry_run_reaches_the_lead_units_of_gongcheng_one_three_seven(capsys):
    # 2021-12-24 is 7 days before 2021-12-31: the 每年 commitments (工程三 示范基地 / 明星科技特派员, 工程七
    # 研修) are due that day-offset, and every 长期推进 commitment's quarterly report request (period ending
    # 2021-12-31) is made that day. So each lead unit of 工程一, 三 and 七 gets a digest naming them.
    call_command("send_reminders", "--date", "2021-12-24", "--dry-run", "--plan", NANPING)
    output = capsys.readouterr().out
    listed, current = {}, None
    for line in output.splitlines():
        if match := re.match(r"【unit_digest】(.+?)（\d+ 项）", line):
            current = listed.setdefault(match[1], set())
        elif line.startswith("【"):
            current = None
        elif current is not None and (match := re.match(r"\s+- #(\d+) ", line)):
            current.add(int(match[1]))
    for numeral, (leads, _) in GONGCHENG.items():
        due_this_year = {
            m.pk for m in gongcheng_milestones(numeral) if m.occurrences.filter(due_date=date(2021, 12, 31)).exists()
        }
        assert due_this_year, numeral
        for unit_name in leads:
            assert due_this_year <= listed.get(unit_name, set()), (numeral, unit_name)


def test_worklist_export_shows_every_gongchengs_node_plans_with_its_lead_units():
    plan = Plan.objects.get(code=NANPING)
    rows = worklist_rows(plan)
    column = {name: WORKLIST_HEADER.index(name) for name in WORKLIST_HEADER}
    exported = {(row[column["项目内容"]], row[column["节点计划"]]): row[column["牵头单位"]] for row in rows}
    leads_by_item = {item.worklist_label: item for item in Item.objects.filter(plan=plan, part="body")}
    for row in commitment_rows(NANPING):
        if row["part"] != "item":
            continue
        lead = exported[(row["item"], row["milestone"])]
        # The 工程's printed 牵头单位 (items[].lead), as the unit table names them.
        printed = [a.unit.name for a in leads_by_item[row["item"]].assignments.all() if a.role == "lead"]
        assert lead == "、".join(printed), row["milestone"][:30]
        assert unit_names(row["lead"])  # every commitment names its lead
    assert len(rows) == 32 + 50


def test_gongcheng_text_is_stored_and_shown(client_as):
    item = Item.objects.get(plan__code=NANPING, number=3)
    assert item.heading == "三、实施科技特派员激励工程"
    assert "每年评选一批“明星科技特派员”" in item.body and item.lead_as_printed == "牵头单位：市委组织部、市科技局"
    milestone = gongcheng_milestones("三").first()
    page = client_as("staff").get(reverse("plans:milestone", args=[milestone.pk])).content.decode()
    assert "牵头单位：市委组织部、市科技局" in page and "002_fc266238fcc4098f.txt 第37—43行" in page


def test_closing_commitments_are_node_plans_of_their_section():
    # 000:135 “每年举办区、街人才工作者培训班不少于4期”（牵头单位：区委组织部、各街道）: 每年, due each 12-31.
    milestone = Milestone.objects.get(plan__code="jianghai-rcqq-2022", text__contains="人才工作者培训班")
    assert (milestone.origin, milestone.measure.item.closing_key) == ("closing", "四（二）")
    assert [a.unit.name for a in milestone.assignments.all() if a.role == "lead"] == ["区委组织部", "各街道"]
    assert sorted(o.due_date for o in milestone.occurrences.filter(is_deadline=True)) == [
        date(2022, 12, 31),
        date(2023, 12, 31),
        date(2024, 12, 31),
    ]
    # 001:105 names 江海分中心 (now a unit) beside 区委组织部 as leads; 区有关单位 resolves to 区直有关单位.
    centre = Milestone.objects.get(
        plan__code="jianghai-bsh-2022", text__startswith="全国博士后创新（江门）示范中心江海分中心"
    )
    assert {a.unit.name for a in centre.assignments.all() if a.role == "lead"} == {
        "区委组织部",
        "全国博士后创新（江门）示范中心江海分中心",
    }
    first = Milestone.objects.get(plan__code="jianghai-bsh-2022", text__startswith="区委组织部负责本计划实施")
    assert "区直有关单位" in [a.unit.name for a in first.assignments.all()]


def test_a_cap_is_not_a_deadline():
    # 002:99 “每家机构每年奖励额最高100万元” is a cap: worklist row 3 was 每年, now 长期推进 (plan.yaml
    # milestone_cadence): only quarterly report periods, no deadline, never overdue.
    milestone = Milestone.objects.get(plan__code=NANPING, text__startswith="鼓励国家重点大学、央企、国家级科")
    assert (milestone.due_text, milestone.schedule_text) == ("", "长期推进")
    assert not milestone.occurrences.filter(is_deadline=True).exists()
    # 002:113 “每两年遴选一批”: 2021, 2023, 2025; 001:144 “每两年下半年”: 2022, 2024.
    stars = Milestone.objects.get(plan__code=NANPING, text__startswith="每两年遴选一批，每批遴选“创业之")
    assert sorted(o.due_date.year for o in stars.occurrences.filter(is_deadline=True)) == [2021, 2023, 2025]
    review = Milestone.objects.get(plan__code="jianghai-bsh-2022", text__startswith="每两年开展博士博士后运行情况评估")
    assert sorted(o.due_date.year for o in review.occurrences.filter(is_deadline=True)) == [2022, 2024]


def test_body_text_leads_are_honoured():
    # 000:117 “牵头单位：区委人才办” for item 20: worklist line 38's only lead was the empty group 区直有关单位.
    milestone = Milestone.objects.get(plan__code="jianghai-rcqq-2022", text__startswith="(2)邀请高层次人才参加重要规划")
    leads = [(a.written_name, a.unit.name) for a in milestone.assignments.all() if a.role == "lead"]
    assert ("区委人才办", "区委人才办") in leads and ("区直有关单位", "区直有关单位") in leads


def test_data_health_lists_what_reaches_nobody_with_links(client_as):
    sections = {section.key: section for section in data_health(date(2023, 6, 1))}
    empty = {problem.subject for problem in sections["empty_groups"].problems}
    assert {"区直有关单位", "区委人才工作领导小组成员单位"} <= empty
    group = Unit.objects.get(region__code="jianghai", name="区直有关单位")
    problem = next(p for p in sections["empty_groups"].problems if p.subject == "区直有关单位")
    assert ("设置成员", reverse("admin:units_unit_change", args=[group.pk])) in problem.links
    # 000 龙溪传人 is reported by the group 各街道: flagged with the advice to pick one street or report each.
    reporters = [p for p in sections["indicator_reporters"].problems if "龙溪传人" in p.subject]
    assert reporters and "群组" in reporters[0].detail
    page = client_as("staff").get(reverse("plans:data_health"))
    assert page.status_code == 200 and "区直有关单位" in page.content.decode()
    assert client_as("liaison_hr").get(reverse("plans:data_health")).status_code == 404


def test_a_liaison_sees_and_enters_the_indicators_their_unit_reports(client_as, user_named):
    from plans.workflow.indicator_entries import submit_entry
    from targets.models import Indicator, IndicatorEntry

    # 市人社局 reports 8 of Nanping's 19 indicators (fixtures/ISSUE10-DATA.md §1).
    page = client_as("liaison_np").get(reverse("plans:my_tasks")).content.decode()
    assert page.count('class="list-group-item list-group-item-action my-indicator"') == 8
    doctors = Indicator.objects.get(plan__code=NANPING, name="引进培养博士")
    assert reverse("plans:indicator", args=[doctors.pk]) in page
    entry = submit_entry(user_named("liaison_np"), doctors, 2021, "increment", 12, "市人社局统计")
    # The entry reaches staff's 待审核 queue, and staff see the review form on the indicator page.
    assert IndicatorEntry.objects.filter(pk=entry.pk, state="submitted").exists()
    queue = client_as("staff").get(reverse("plans:review_queue")).content.decode()
    assert f"{doctors.get_absolute_url()}#entry-{entry.pk}" in queue
    staff_page = client_as("staff").get(reverse("plans:indicator", args=[doctors.pk])).content.decode()
    assert reverse("plans:entry_review", args=[entry.pk]) in staff_page
