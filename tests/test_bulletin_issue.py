"""Issuing a 进展通报 (plans.bulletin.issue): its 文号 per region and year, never twice; the issued Word and PDF
kept and downloaded again byte for byte; bad input refused in Chinese with nothing changed; the periods."""

import io
import threading
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from docx import Document

from plans.bulletin.issue import create_draft, issue, render, save_narrative
from plans.bulletin.periods import period_named, periods
from plans.loading.load import load_plans
from plans.models import Bulletin, BulletinState, Plan
from tests.conftest import create_test_users
from tests.small_plan import build_small_plan
from tests.test_bulletin import NARRATIVE, needs_office

pytestmark = pytest.mark.django_db


def written(user, plan, key="2024Q2", when=date(2024, 7, 10)):
    with time_machine.travel(when, tick=False):
        draft = create_draft(user, plan, key)
        return save_narrative(user, draft, NARRATIVE, draft.version)


def issued_on(user, bulletin, when):
    with time_machine.travel(when, tick=False):
        return issue(user, bulletin, bulletin.version)


def state():
    return list(Bulletin.objects.order_by("pk").values_list("state", "version", "document_number", "work_done"))


@needs_office
def test_numbers_run_per_region_and_year_and_the_issued_files_are_kept(user_named, client_as):
    staff, staff_np = user_named("staff"), user_named("staff_np")
    (m,) = build_small_plan("number-test", texts=("事项",))
    nanping = Plan.objects.get(code="nanping-cjwy-2021")
    first = issued_on(staff, written(staff, m.plan), date(2024, 7, 10))
    second = issued_on(staff, written(staff, m.plan, "2024-06"), date(2024, 7, 11))
    other_region = issued_on(staff_np, written(staff_np, nanping, "2021Q4", date(2024, 7, 11)), date(2024, 7, 11))
    next_year = issued_on(staff, written(staff, m.plan, "2024", date(2025, 1, 3)), date(2025, 1, 3))
    assert [b.document_number for b in (first, second, other_region, next_year)] == [
        "江海人才办〔2024〕1号",
        "江海人才办〔2024〕2号",
        "南平人才办〔2024〕1号",  # 南平市's own sequence
        "江海人才办〔2025〕1号",  # a new year starts again at 1
    ]
    # What was issued is what is downloaded, months later, after the figures changed (a new report approved).
    stored = bytes(Bulletin.objects.get(pk=first.pk).docx)
    assert "江海人才办〔2024〕1号" in [p.text for p in Document(io.BytesIO(stored)).paragraphs]
    client = client_as("staff")
    with time_machine.travel(date(2024, 9, 1), tick=False):
        m.status, m.percent = "completed", 100
        m.save()
        assert render(first) != stored  # rendered again today it would differ
        docx = client.get(f"/bulletins/{first.pk}/bulletin.docx")
        pdf = client.get(f"/bulletins/{first.pk}/bulletin.pdf")
    assert docx.status_code == 200 and docx.content == stored
    assert pdf.status_code == 200 and pdf.content == bytes(first.pdf) and pdf.content.startswith(b"%PDF")
    assert "%E6%B1%9F%E6%B5%B7%E4%BA%BA%E6%89%8D%E5%8A%9E" in docx["Content-Disposition"]  # 江海人才办 in the name
    # Kept with its history: drafted, edited, issued.
    reasons = list(first.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["修改通报正文", "印发（江海人才办〔2024〕1号）"]
    # Issued once: a second issue is refused, nothing changes.
    before = state()
    with pytest.raises(PermissionDenied):
        issue(staff, Bulletin.objects.get(pk=first.pk), first.version)
    assert state() == before


def test_the_database_refuses_a_number_twice(user_named):
    (m,) = build_small_plan("unique-test", texts=("事项",))
    common = {"plan": m.plan, "region": m.plan.region, "period_key": "2024", "created_by": user_named("staff")}
    Bulletin.objects.create(**common, recipients="各单位", state=BulletinState.ISSUED, issue_year=2024, serial=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.create(**common, recipients="各单位", state=BulletinState.ISSUED, issue_year=2024, serial=1)
    Bulletin.objects.create(**common, recipients="各单位")  # drafts have no number: any number of them


@needs_office
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="两人同时印发需要 PostgreSQL（SQLite 的测试库不能跨线程共享）"
)
def test_two_staff_issuing_at_once_get_two_numbers(user_named):
    if not Plan.objects.exists():  # a transactional test starts from whatever an earlier one left
        load_plans()
        create_test_users()
    staff = user_named("staff")
    (m,) = build_small_plan("race-test", texts=("事项",))
    drafts = [written(staff, m.plan, key) for key in ("2024Q2", "2024-06")]
    barrier, results = threading.Barrier(2), []

    def run(draft):
        try:
            barrier.wait()
            results.append(issued_on(staff, draft, date(2024, 7, 10)).document_number)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["江海人才办〔2024〕1号", "江海人才办〔2024〕2号"]


def test_bad_input_is_refused_in_chinese_and_changes_nothing(user_named, monkeypatch):
    staff = user_named("staff")
    (m,) = build_small_plan("refuse-test", texts=("事项",))
    draft = written(staff, m.plan)
    before = state()
    cases = [
        (lambda: create_draft(staff, m.plan, "2024Q5"), "通报期间“2024Q5”无效"),
        (lambda: create_draft(staff, m.plan, "２０２４"), "无效"),  # full-width digits name no period
        (lambda: create_draft(staff, m.plan, "2030"), "无效"),
        (lambda: save_narrative(staff, draft, NARRATIVE, draft.version - 1), "已被他人修改"),
        (lambda: save_narrative(staff, draft, NARRATIVE, "²"), "表单已过期"),
        (lambda: save_narrative(staff, draft, NARRATIVE | {"recipients": " "}, draft.version), "主送机关不能为空"),
        (lambda: save_narrative(staff, draft, NARRATIVE | {"problems": "字" * 20_001}, draft.version), "不能超过"),
        (lambda: issue(staff, draft, draft.version + 1), "已被他人修改"),
    ]
    for call, message in cases:
        with pytest.raises(ValidationError, match=message):
            call()
        assert state() == before
    with time_machine.travel(date(2024, 1, 5), tick=False), pytest.raises(ValidationError, match="尚未开始"):
        create_draft(staff, m.plan, "2024-03")
    empty = save_narrative(staff, draft, NARRATIVE | {"next_steps": ""}, draft.version)
    before = state()
    with pytest.raises(ValidationError, match="“下步打算”尚未填写，不能印发"):
        issue(staff, empty, empty.version)
    filled = save_narrative(staff, empty, NARRATIVE, empty.version)
    monkeypatch.setenv("PATH", "/nonexistent")  # no LibreOffice: no PDF, so not issued, no number used
    before = state()
    with pytest.raises(ValidationError, match="未安装 LibreOffice"):
        issue(staff, filled, filled.version)
    assert state() == before
    for role in ("leader", "liaison_hr"):
        with pytest.raises(PermissionDenied):
            create_draft(user_named(role), m.plan, "2024")
        with pytest.raises(PermissionDenied):
            issue(user_named(role), filled, filled.version)
    with pytest.raises(PermissionDenied):  # another region's staff
        create_draft(user_named("staff_np"), m.plan, "2024")
    assert state() == before


def test_the_pages_refuse_bad_input_with_400_and_a_chinese_message(user_named, client_as):
    (m,) = build_small_plan("page-test", texts=("事项",))
    draft = written(user_named("staff"), m.plan)
    client = client_as("staff")
    before = state()
    edit = client.post(f"/bulletins/{draft.pk}/edit/", NARRATIVE | {"version": "0"})
    assert edit.status_code == 400 and "该通报已被他人修改" in edit.content.decode()
    assert NARRATIVE["work_done"] in edit.content.decode()  # what was typed is still in the form
    unconfirmed = client.post(f"/bulletins/{draft.pk}/issue/", {"version": draft.version})
    assert unconfirmed.status_code == 400 and "请勾选“确认印发”" in unconfirmed.content.decode()
    created = client.post(f"/plans/{m.plan.code}/bulletins/new/", {"period": "2024Q9"}, follow=True)
    assert "通报期间“2024Q9”无效" in created.content.decode()
    assert state() == before
    assert client.get(f"/bulletins/{draft.pk}/bulletin.pdf").status_code == 404  # a draft has no PDF yet
    assert client_as("leader").get(f"/bulletins/{draft.pk}/").status_code == 404  # leaders read issued ones only


def test_periods_monthly_quarterly_yearly():
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    keys = [p.key for p in periods(plan) if p.year == 2023]
    assert keys[:5] == ["2023", "2023Q1", "2023Q2", "2023Q3", "2023Q4"] and keys[5:] == [
        f"2023-{m:02d}" for m in range(1, 13)
    ]
    q2, feb = period_named(plan, "2023Q2"), period_named(plan, "2024-02")
    assert (q2.label, q2.start, q2.end) == ("2023年第二季度", date(2023, 4, 1), date(2023, 6, 30))
    assert (feb.label, feb.end) == ("2024年2月", date(2024, 2, 29))  # a leap year
    assert q2.cut_off(date(2023, 5, 15)) == date(2023, 5, 15) and q2.cut_off(date(2024, 1, 1)) == date(2023, 6, 30)
    for bad in ("2023Q0", "2023-13", "2023-1", "2025", "２０２３", "2023Q2 x", "", None):
        assert period_named(plan, bad) is None


def test_bulletin_command(tmp_path):
    out = tmp_path / "b.docx"
    call_command("bulletin", "jianghai-bsh-2022", "--period", "2022Q3", "-o", str(out))
    texts = [p.text for p in Document(out).paragraphs]
    assert "一、总体情况" in texts and "（草稿，印发时编号）" in texts and "截至2022年9月30日" in "".join(texts)
    with pytest.raises(CommandError, match="不在该计划的实施年度"):
        call_command("bulletin", "jianghai-bsh-2022", "--year", "2030", "-o", str(tmp_path / "c.docx"))
    with pytest.raises(CommandError, match="找不到计划代码"):
        call_command("bulletin", "nope", "--year", "2022", "-o", str(tmp_path / "c.docx"))


def test_the_plan_page_offers_each_period_and_the_download_reads_it(client_as):
    client = client_as("staff")
    page = client.get("/plans/jianghai-bsh-2022/").content.decode()
    assert all(f'<option value="{year}">{year}年度</option>' in page for year in (2022, 2023, 2024))
    assert '<option value="2023Q2">2023年第二季度</option>' in page
    for query in ("period=2023", "year=2023", "period=2023Q2"):
        response = client.get(f"/plans/jianghai-bsh-2022/bulletin.docx?{query}")
        assert response.status_code == 200
        paragraphs = [p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
        assert any("推进情况的通报" in p for p in paragraphs)
    assert client.get("/plans/jianghai-bsh-2022/bulletin.docx?period=2030").status_code == 404
    assert client.get("/plans/jianghai-bsh-2022/bulletin.docx?period=2023Q9").status_code == 404


def test_the_list_costs_the_same_queries_for_one_bulletin_or_six(user_named, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = user_named("staff")
    (m,) = build_small_plan("count-test", texts=("事项",))
    client = client_as("staff")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/bulletins/").status_code == 200
        return len(captured)

    written(staff, m.plan)
    one = queries()
    for key in ("2024-01", "2024-02", "2024-03", "2024Q1", "2024"):
        written(staff, m.plan, key)
    assert queries() == one
    page = client.get("/bulletins/").content.decode()
    assert page.count("（未编号）") == 6 and "起草通报" in page
