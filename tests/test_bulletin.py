"""The 进展通报 as a 公文: drafted, edited and issued through plans.bulletin.issue; every figure of the issued
document, read back from the Word, agrees with the dashboard's own service (plans.dashboard.board,
plans.views.dashboard.indicator_cards, plans.dashboard.stored_counts) as at its 截至 date; its counts
reconcile; it opens in LibreOffice (page 1 kept as PNG under test-artifacts/bulletin/)."""

import io
import re
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from plans.bulletin.issue import create_draft, issue, save_narrative
from plans.choices import Outcome
from plans.dashboard.board import build_dashboard
from plans.dashboard.stored_counts import stored_standings
from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.demo.year import seed_demo_indicators, seed_demo_year
from plans.models import Milestone, Occurrence, Plan, ProgressReport
from plans.tracking import DUE_SOON_LABEL, overdue_q
from plans.views.dashboard import indicator_cards
from targets.standing import Standing
from targets.trajectory import figure_text

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "bulletin"
LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(
    not LIBREOFFICE, reason="未安装 LibreOffice：印发需要把 Word 转为 PDF（`make browsers`）"
)
CUT_OFF = date(2023, 12, 20)  # inside 2023Q4: the bulletin is cut off on the day it is issued
NARRATIVE = {
    "recipients": "区委人才工作领导小组各成员单位",
    "work_done": "一是育才工作稳步推进。\n二是引才平台加快建设。",
    "problems": "部分单位报送不及时。",
    "next_steps": "加强督办，按月通报。",
}


def paragraphs_of(docx: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(docx)).paragraphs]


def tables_of(docx: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(docx)).tables]


def one(pattern: str, text: str) -> tuple[int, ...]:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, found)
    return tuple(int(n) for n in (found[0] if isinstance(found[0], tuple) else (found[0],)))


def dashboard_at(plan, year, cut_off, user) -> dict:
    """The dashboard's own figures for the plan and year on the cut-off day, through its services."""
    board = build_dashboard(plan, year, cut_off, visible_plans=Plan.objects.filter(pk=plan.pk))
    return {
        "tally": board.per_plan[0][1],
        "categories": board.per_category,
        "league": board.league,
        "standings": Counter(standing for _pk, standing in stored_standings([plan], cut_off)),
        "cards": indicator_cards(user, plan, cut_off),
    }


def draft_and_issue(staff, plan, key):
    draft = create_draft(staff, plan, key)
    seeded = draft.work_done
    draft = save_narrative(staff, draft, NARRATIVE, draft.version)
    return issue(staff, draft, draft.version), seeded


@pytest.fixture
def issued_q4(user_named):
    """The demo's progress (reported and approved on 2023-12-01), a 2023Q4 bulletin of 人才强区 drafted,
    edited and issued on 2023-12-20, and the dashboard's own figures for that plan, year and day."""
    ensure_demo_accounts()
    with time_machine.travel(date(2023, 12, 1), tick=False):
        seed_demo_progress()
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    staff = user_named("staff")
    with time_machine.travel(timezone.make_aware(datetime(2023, 12, 20, 10)), tick=False):
        bulletin, seeded = draft_and_issue(staff, plan, "2023Q4")
        dashboard = dashboard_at(plan, 2023, CUT_OFF, staff)
    return bulletin, dashboard, seeded


@pytest.fixture
def issued_2024(user_named):
    """`make run`'s demo year played up to 2024-12-31, the plan's last day (six in ten deadlines met on time, two
    late, two overdue; the indicators' figures entered), and the 2024 yearly bulletin issued that day."""
    ensure_demo_accounts()
    last_day = date(2024, 12, 31)
    with time_machine.travel(date(2023, 12, 1), tick=False):
        seed_demo_progress()
    with time_machine.travel(timezone.make_aware(datetime(2024, 12, 31, 9)), tick=False):
        seed_demo_year(last_day)
        seed_demo_indicators(last_day)
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    staff = user_named("staff")
    with time_machine.travel(timezone.make_aware(datetime(2024, 12, 31, 16)), tick=False):
        bulletin, _ = draft_and_issue(staff, plan, "2024")
        dashboard = dashboard_at(plan, 2024, last_day, staff)
    return bulletin, dashboard


@needs_office
def test_every_figure_agrees_with_the_dashboard_at_its_cut_off(issued_q4):
    bulletin, dashboard, _ = issued_q4
    assert bulletin.cut_off == CUT_OFF and bulletin.document_number == "江海人才办〔2023〕1号"
    assert_agrees_with_the_dashboard(bulletin, dashboard, 2023, CUT_OFF, "issued-2023Q4")


@needs_office
def test_the_plans_last_year_agrees_with_the_dashboard_on_its_last_day(issued_2024):
    """The issue's case: 人才强区 as at 2024-12-31, with a year of reports behind it."""
    bulletin, dashboard = issued_2024
    assert bulletin.cut_off == date(2024, 12, 31) and bulletin.document_number == "江海人才办〔2024〕1号"
    tally = dashboard["tally"]
    assert tally.completed > 0 and tally.outcomes[Outcome.MET] > 0 and tally.overdue > 0  # every part present
    assert_agrees_with_the_dashboard(bulletin, dashboard, 2024, date(2024, 12, 31), "issued-2024")
    assert_sums_add_up(bulletin)


def assert_agrees_with_the_dashboard(bulletin, dashboard, year, cut_off, picture):
    tally = dashboard["tally"]
    text = "\n".join(paragraphs_of(bytes(bulletin.docx)))
    assert f"截至{cut_off.year}年{cut_off.month}月{cut_off.day}日" in text
    # 一、总体情况, read from the document, each against the dashboard's Tally.
    total, completed, not_completed, *_, rate, average = one(
        r"涉及节点计划(\d+)个，其中已完成(\d+)个、未完成(\d+)个（(\d+)\+(\d+)=(\d+)），完成率(\d+)%，平均完成进度(\d+)%",
        text,
    )
    assert (total, completed, rate, average) == (
        tally.total,
        tally.completed,
        tally.completion_rate,
        tally.average_percent,
    )
    assert not_completed == tally.total - tally.completed
    overdue, not_overdue, *_ = one(r"逾期未完成(\d+)个、尚未逾期(\d+)个（(\d+)\+(\d+)=(\d+)）", text)
    behind, overdue_again, behind_done = one(
        r"逾期的节点计划共(\d+)个，其中逾期未完成(\d+)个、已完成但仍有过期期次未办结(\d+)个", text
    )
    assert behind == tally.overdue and overdue_again == overdue  # the dashboard's 逾期, with its two parts
    (due_soon,) = one(rf"尚未逾期的\d+个中{DUE_SOON_LABEL}(\d+)个", text)
    assert due_soon == tally.due_soon
    met, late, missed = one(r"已到期的节点计划\d+个，其中按期完成(\d+)个、逾期完成(\d+)个、到期未完成(\d+)个", text)
    assert (met, late, missed) == (
        tally.outcomes[Outcome.MET],
        tally.outcomes[Outcome.LATE],
        tally.outcomes[Outcome.MISSED],
    )
    # Indicators: the count of each standing, against the dashboard's stored standings.
    indicator_total = one(r"纳入监测的指标(\d+)项", text)[0]
    assert indicator_total == sum(dashboard["standings"].values()) == len(dashboard["cards"])
    for standing in Standing:
        assert one(rf"(?:其中|、){standing.label}(\d+)项", text.split("纳入监测的指标")[1].split("\n")[0]) == (
            dashboard["standings"][standing.value],
        )
    category_table, overdue_table, indicator_table, league_table = tables_of(bytes(bulletin.docx))
    # 附件1: each 工作任务's row against the dashboard's per-category tally.
    assert category_table[0] == ["工作任务", "节点计划", "已完成", "未完成", "逾期", "平均进度"]
    expected = [
        [c.name, str(t.total), str(t.completed), str(t.total - t.completed), str(t.overdue), f"{t.average_percent}%"]
        for c, t in dashboard["categories"]
    ]
    categorised = [row for row in category_table[1:-1] if row[0] != "未分类"]
    assert categorised == expected
    # The dashboard leaves out node plans with no 工作任务; the bulletin lists them as 未分类, so its rows add up.
    uncategorised = [row for row in category_table[1:-1] if row[0] == "未分类"]
    left_out = tally.total - sum(t.total for _c, t in dashboard["categories"])
    assert [int(row[1]) for row in uncategorised] == ([left_out] if left_out else [])
    # 附件2: the overdue node plans are exactly those the dashboard counts overdue (its overdue_q at the cut-off).
    in_year = Occurrence.objects.filter(due_date__year=year).values("milestone_id")
    overdue_now = Milestone.objects.filter(plan=bulletin.plan, pk__in=in_year).filter(
        overdue_q("next_due_date", cut_off)
    )
    assert {row[1] for row in overdue_table[1:]} == {m.text[:80] for m in overdue_now}
    assert overdue_now.count() == tally.overdue
    # 附件3: each indicator's row against its card on the dashboard (its trajectory and verdict).
    rows = {row[0]: row[1:] for row in indicator_table[1:]}
    assert len(rows) == len(dashboard["cards"])
    for card in dashboard["cards"]:
        indicator, t = card["indicator"], card["t"]
        point = next((p for p in t.points if p.year == year), None)
        planned = "—" if point is None or point.planned is None else figure_text(point.planned)
        actual = "—" if point is None or point.actual is None else figure_text(point.actual)
        assert rows[indicator.name] == [indicator.target_display, planned, actual, t.completion_label, t.verdict_text]
    # 附件4: the league, unit by unit, against the dashboard's league for the year.
    league = [
        [
            r.unit.name,
            str(r.led),
            "—" if r.on_time_rate is None else f"{r.on_time_rate}%",
            str(r.overdue),
            str(r.awaiting_review),
        ]
        for r in dashboard["league"]
    ]
    assert league_table[1:] == league
    # Page 1 of this very bulletin, whose figures were just checked: the stored PDF (LibreOffice) → PNG.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{picture}.pdf"
    pdf.write_bytes(bytes(bulletin.pdf))
    page1 = ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile"]
    subprocess.run([*page1, str(pdf), str(ARTIFACTS / f"{picture}-page1")], check=True)
    assert (ARTIFACTS / f"{picture}-page1.png").stat().st_size > 10_000


@needs_office
def test_every_total_is_the_sum_of_its_parts_stated_as_such(issued_q4):
    assert_sums_add_up(issued_q4[0])


def assert_sums_add_up(bulletin):
    docx = bytes(bulletin.docx)
    text = "\n".join(paragraphs_of(docx))
    sums = re.findall(r"（(\d+(?:\+\d+)+)=(\d+)）", text)
    assert len(sums) == 7  # total, 已完成, 未完成, 逾期, 已到期, 已到期+未到期, the indicators
    for parts, total in sums:
        assert sum(int(p) for p in parts.split("+")) == int(total), (parts, total)
    total, completed, not_completed = one(r"涉及节点计划(\d+)个，其中已完成(\d+)个、未完成(\d+)个", text)
    met, late, other, completed_again = one(
        r"按期完成(\d+)个、逾期完成(\d+)个、其他已完成(\d+)个.*?（\d+\+\d+\+\d+=(\d+)）", text
    )
    assert completed_again == completed and met + late + other == completed
    due, met2, late2, missed, not_due = one(
        r"已到期的节点计划(\d+)个，其中按期完成(\d+)个、逾期完成(\d+)个、到期未完成(\d+)个.*?其余(\d+)个", text
    )
    assert (met2, late2) == (met, late) and met + late + missed == due and due + not_due == total
    category_table = tables_of(docx)[0]
    body, sum_row = category_table[1:-1], category_table[-1]
    assert sum_row[0] == "合计"
    for column in (1, 2, 3, 4):
        assert sum(int(row[column]) for row in body) == int(sum_row[column])
    assert (int(sum_row[1]), int(sum_row[2]), int(sum_row[3])) == (total, completed, not_completed)


@needs_office
def test_the_issued_bulletin_has_the_gongwen_elements_and_opens_as_pdf(issued_q4, tmp_path):
    bulletin, _, _ = issued_q4
    document = Document(io.BytesIO(bytes(bulletin.docx)))
    texts = [p.text for p in document.paragraphs]
    masthead = document.paragraphs[0]
    assert masthead.text == "中共江门市江海区委人才工作领导小组办公室"  # 发文机关标志
    assert str(masthead.runs[0].font.color.rgb) == "FF0000"  # 红头
    number = next(p for p in document.paragraphs if p.text == "江海人才办〔2023〕1号")  # 文号
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"  # 红色分隔线
    assert "关于江海区“人才强区”行动计划（2022年—2024年）2023年第四季度推进情况的通报" in texts  # 标题
    assert "区委人才工作领导小组各成员单位：" in texts  # 主送
    for heading in ["一、总体情况", "二、工作开展情况", "三、存在问题", "四、下步打算"]:  # 正文
        assert heading in texts
    assert "一是育才工作稳步推进。" in texts and "二是引才平台加快建设。" in texts  # staff's lines, one paragraph each
    assert "附件：1．分类推进情况" in texts and "　　　4．牵头单位推进情况" in texts  # 附件说明
    signature = texts.index("附件：1．分类推进情况") + 6
    assert texts[signature : signature + 2] == [
        "中共江门市江海区委人才工作领导小组办公室",
        "2023年12月20日",
    ]  # 落款, 成文日期
    assert ["附件1", "附件2", "附件3", "附件4"] == [t for t in texts if re.fullmatch(r"附件\d", t)]
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, "RIGHT"), (section.even_page_footer, "LEFT")):  # 页码
        assert footer.paragraphs[0].text == "— 1 —" and footer.paragraphs[0].alignment.name == alignment
        assert " PAGE " in footer.paragraphs[0]._p.xml
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    # The stored PDF: A4, the same 文号 and title on page 1, page numbers printed.
    pdf = tmp_path / "通报.pdf"
    pdf.write_bytes(bytes(bulletin.pdf))
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info and int(re.search(r"Pages:\s+(\d+)", info)[1]) >= 5  # body + four attachments
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    first = re.sub(r"\s+", "", first)  # pdftotext spaces out the Latin digits among Chinese
    assert first.startswith("中共江门市江海区委人才工作领导小组办公室江海人才办〔2023〕1号关于江海区")
    assert first.endswith("—1—")  # page 1's number, printed
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "page")], check=True
    )
    assert max(p.stat().st_size for p in ARTIFACTS.glob("page*.png")) > 10_000


@needs_office
def test_the_draft_is_seeded_from_the_periods_approved_reports(issued_q4, user_named):
    _, _, seeded = issued_q4
    approved = ProgressReport.objects.filter(state="approved", milestone__plan__code="jianghai-rcqq-2022")
    assert approved.exists()
    for report in approved:  # all approved on 2023-12-01, inside 2023Q4
        assert f"{report.unit.name}：{report.narrative.strip()}" in seeded
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    with time_machine.travel(date(2023, 12, 20), tick=False):
        november = create_draft(user_named("staff"), plan, "2023-11")
    assert november.work_done == "2023年11月内尚无审核通过的进展报告。"  # approved in December: not November's
