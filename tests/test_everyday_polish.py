"""Everyday polish on the task list: search by unit names and aliases, sorting that puts red and overdue
first and no deadline last, the Chinese date format, Chinese download names."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plans.models import Milestone
from plans.queries import task_queryset
from talentplan.lib.dates import cn_date, cn_datetime
from tests.fixture_reading import tsv_rows, unit_names, unit_spellings
from tests.helpers import every_my_task_id

pytestmark = pytest.mark.django_db


def _listed_ids(client, query: str) -> list[int]:
    html = client.get(f"/tasks/?per_page=500&{query}").content.decode()
    table = html.split('<div class="task-cards')[0]  # the desktop table; the phone cards repeat the links
    return list(dict.fromkeys(int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', table)))


def test_search_finds_a_unit_by_its_short_name(client_as):
    # fixtures/units/jianghai.yaml: 区人力资源和社会保障局 has the short name 区人社局; nanping.yaml names 市人社局
    # with the alias 人社局. Every worklist row naming one of those units is found by q=人社局.
    wanted = set()
    for code, region in (
        ("jianghai-rcqq-2022", "jianghai"),
        ("jianghai-bsh-2022", "jianghai"),
        ("nanping-cjwy-2021", "nanping"),
    ):
        spellings, _groups = unit_spellings(region)
        for position, row in enumerate(tsv_rows(code), start=1):
            names = {spellings.get(n.replace(" ", ""), n) for n in unit_names(row["units"])}
            if names & {"区人力资源和社会保障局", "市人社局"}:
                wanted.add((code, position))
    assert len(wanted) > 10
    listed = _listed_ids(client_as("staff"), "q=人社局")
    found = set(Milestone.objects.filter(pk__in=listed).values_list("plan__code", "position"))
    assert wanted <= found
    # And nothing unrelated: each hit names such a unit or says 人社局 in its own text.
    for milestone in Milestone.objects.filter(pk__in=listed).prefetch_related("assignments__unit"):
        units = {a.unit.name for a in milestone.assignments.all()}
        assert units & {"区人力资源和社会保障局", "市人社局"} or "人社局" in milestone.text + milestone.measure.text


def test_search_by_the_full_name_still_works_and_a_nonsense_word_finds_nothing(client_as):
    client = client_as("staff")
    assert _listed_ids(client, "q=区人力资源和社会保障局") and not _listed_ids(client, "q=不存在的单位名称")


@time_machine.travel(date(2023, 6, 1), tick=False)
def test_sorting_by_light_puts_red_first_and_by_deadline_puts_no_deadline_last(client_as):
    client = client_as("staff")
    rag_order = {"red": 0, "yellow": 1, "green": 2, "grey": 3}
    tracked = {m.pk: m for m in task_queryset(_staff())}  # each row's light and next deadline, for checking
    by_light = [tracked[pk].rag for pk in _listed_ids(client, "sort=rag")]
    assert by_light[0] == "red" and by_light == sorted(by_light, key=rag_order.get)
    by_light_desc = [tracked[pk].rag for pk in _listed_ids(client, "sort=-rag")]
    assert by_light_desc == sorted(by_light_desc, key=rag_order.get, reverse=True)
    for sort in ("due", "-due", "next_due", "-next_due"):
        dues = [tracked[pk].next_due for pk in _listed_ids(client, f"sort={sort}")]
        dated = [d for d in dues if d is not None]
        assert dues[: len(dated)] == dated, f"{sort}: no deadline must come last"
        assert dated == sorted(dated, reverse=sort.startswith("-"))
        if not sort.startswith("-"):
            assert dated[0] < date(2023, 6, 1)  # ascending, the overdue ones come first


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="staff")


def test_the_one_chinese_date_format():
    assert cn_date(date(2022, 4, 30)) == "2022年4月30日"
    assert cn_date(None) == ""
    # 06:05 UTC is 14:05 in Asia/Shanghai (UTC+8); 20:00 UTC on 30 April is already 1 May there.
    assert cn_datetime(datetime(2022, 4, 30, 6, 5, tzinfo=ZoneInfo("UTC"))) == "2022年4月30日 14:05"
    assert cn_date(datetime(2022, 4, 30, 20, 0, tzinfo=ZoneInfo("UTC"))) == "2022年5月1日"


@time_machine.travel(datetime(2023, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_task_export_downloads_under_its_chinese_name_with_local_times(client_as):
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import load_workbook

    from plans.models import ProgressReport
    from tests.helpers import milestone_led_by, submit

    milestone = milestone_led_by("区人力资源和社会保障局")
    # Submitted at 2023-05-31 18:30 UTC = 2023-06-01 02:30 in Shanghai: the export shows the local date and time.
    with time_machine.travel(datetime(2023, 5, 31, 18, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        submit(_staff_named("liaison_hr"), milestone)
    assert ProgressReport.objects.filter(milestone=milestone).exists()
    response = client_as("staff").get(f"/tasks/?_export=xlsx&q={milestone.text[:12]}")
    assert response.status_code == 200
    # RFC 6266 / 5987: the UTF-8 name percent-encoded after filename*=, so browsers keep 节点计划清单（20230601）.xlsx.
    expected = "attachment; filename*=utf-8''" + quote("节点计划清单（20230601）.xlsx")
    assert response["Content-Disposition"].lower() == expected.lower()  # the charset name is case-insensitive
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("节点计划")] == milestone.text)
    # A date-time cell in Asia/Shanghai (issue 21: it sorts), shown as 2023年6月1日 02:30.
    assert row[header.index("最近报送")] == datetime(2023, 6, 1, 2, 30)


def _staff_named(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@time_machine.travel(date(2023, 6, 1), tick=False)
def test_my_tasks_filter_by_overdue_light_and_text(client_as):
    client = client_as("liaison_hr")
    everything, _ = every_my_task_id(client)
    overdue, html = every_my_task_id(client, "overdue=true")
    on_time, _ = every_my_task_id(client, "overdue=false")
    # Overdue and not overdue split the list exactly, each overdue card says so, and order is kept.
    assert overdue and on_time and sorted(overdue + on_time) == sorted(everything)
    assert html.count("（已逾期）") == len(overdue) and everything[: len(overdue)] == overdue
    red, _ = every_my_task_id(client, "rag=red")
    assert set(overdue) <= set(red)  # an overdue node plan is red (plans.tracking's rule)
    milestone = Milestone.objects.get(pk=everything[-1])
    word = milestone.text[:8]
    found, _ = every_my_task_id(client, f"q={word}")
    assert str(milestone.pk) in found and len(found) <= len(everything)


def test_my_tasks_bad_filter_is_a_chinese_error_not_a_500(client_as):
    response = client_as("liaison_hr").get("/my/?due_within=-3")
    assert response.status_code == 200 and "天数不能为负数" in response.content.decode()
