"""The Word bulletin: its sections and figures, and it opens in LibreOffice (page 1 kept as PNG)."""

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from docx import Document

from plans.bulletin.document import build_bulletin
from plans.dashboard.board import build_dashboard
from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.models import Plan

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "bulletin"
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture
def bulletin_path(tmp_path):
    ensure_demo_accounts()
    with time_machine.travel(date(2023, 12, 1), tick=False):  # the progress is reported before the cut-off
        seed_demo_progress()
    plan = Plan.objects.get(code="jianghai-rcqq-2022")
    with time_machine.travel(date(2023, 12, 20), tick=False):
        document = build_bulletin(plan, 2023)
        tally = build_dashboard(plan, 2023, date(2023, 12, 20)).per_plan[0][1]
    path = tmp_path / "通报.docx"
    document.save(path)
    return path, tally


def test_bulletin_has_every_section_with_the_dashboards_figures(bulletin_path):
    path, tally = bulletin_path
    text = "\n".join(p.text for p in Document(path).paragraphs)
    for heading in [
        "一、总体情况",
        "二、分类推进情况",
        "三、逾期事项（按牵头单位）",
        "四、指标完成情况",
        "五、牵头单位推进情况",
        "六、工作亮点",
    ]:
        assert heading in text
    # Completion is per year: the demo's one 已完成 report in this scope (row 6, 每年12月) completes its
    # 2022年12月 deadline, so neither the dashboard nor the bulletin counts it done for 2023.
    assert (tally.completed, tally.by_status["completed"]) == (0, 1)
    assert f"涉及节点计划{tally.total}个，已完成{tally.completed}个" in text
    assert f"逾期未完成{tally.overdue}个" in text
    tables = Document(path).tables
    assert [c.text for c in tables[0].rows[0].cells] == ["工作任务", "节点计划", "已完成", "逾期", "平均进度"]
    indicator_names = {row.cells[0].text for row in tables[1].rows[1:]}
    assert {"博士（后）", "硕士", "省级以上领军人才"} <= indicator_names
    assert "区人力资源和社会保障局（" in text  # the overdue list names units


@pytest.mark.skipif(
    not LIBREOFFICE and not os.environ.get("CI"),
    reason="未安装 LibreOffice，跳过进展通报的 PDF 转换检查（运行 `make browsers` 安装）",
)
def test_bulletin_opens_in_libreoffice(bulletin_path, tmp_path):
    path, _ = bulletin_path
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "通报.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "page")], check=True
    )
    pages = list(ARTIFACTS.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 10_000
    # A4 in the PDF: 210 × 297 mm = 595 × 842 points (1 pt = 25.4/72 mm).
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info.split("Page size:")[1].split("\n")[0]


def test_bulletin_is_a4_gongwen_with_the_league_table(bulletin_path):
    from docx.oxml.ns import qn

    path, _ = bulletin_path
    document = Document(path)
    section = document.sections[0]
    # GB/T 9704: A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
    # Word stores twips (1/1440 inch), so compare in whole millimetres.
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]

    def east_asian_font(paragraph):
        return paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))

    by_text = {p.text: p for p in document.paragraphs if p.runs}
    assert east_asian_font(document.paragraphs[0]) == "方正小标宋简体"  # the title
    assert east_asian_font(by_text["一、总体情况"]) == "黑体"
    assert (
        east_asian_font(next(p for t, p in by_text.items() if t.startswith("区人力资源和社会保障局（")))
        == "楷体_GB2312"
    )
    assert east_asian_font(next(p for t, p in by_text.items() if "涉及节点计划" in t)) == "仿宋_GB2312"
    league = document.tables[2]
    assert [c.text for c in league.rows[0].cells] == ["牵头单位", "牵头节点", "按期完成率", "逾期", "待审核"]
    assert "区人力资源和社会保障局" in {row.cells[0].text for row in league.rows[1:]}


def test_bulletin_command(tmp_path):
    from django.core.management import CommandError, call_command

    out = tmp_path / "b.docx"
    call_command("bulletin", "jianghai-bsh-2022", "--year", "2022", "-o", str(out))
    assert "一、总体情况" in "\n".join(p.text for p in Document(out).paragraphs)
    with pytest.raises(CommandError, match="不在该计划的实施年度"):
        call_command("bulletin", "jianghai-bsh-2022", "--year", "2030", "-o", str(tmp_path / "c.docx"))
    with pytest.raises(CommandError, match="找不到计划代码"):
        call_command("bulletin", "nope", "--year", "2022", "-o", str(tmp_path / "c.docx"))


def test_the_plan_page_offers_each_period_and_the_download_reads_it(client_as):
    """plans.bulletin.periods names the periods once: the page's choice, ?period= and ?year= (older links)."""
    client = client_as("staff")
    page = client.get("/plans/jianghai-bsh-2022/").content.decode()
    assert all(f'<option value="{year}">{year}年度</option>' in page for year in (2022, 2023, 2024))
    by_period = client.get("/plans/jianghai-bsh-2022/bulletin.docx?period=2023")
    by_year = client.get("/plans/jianghai-bsh-2022/bulletin.docx?year=2023")
    for response in (by_period, by_year):
        assert response.status_code == 200 and "2023" in response["Content-Disposition"]
        paragraphs = [p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
        assert "2023年度推进情况通报" in paragraphs
    assert client.get("/plans/jianghai-bsh-2022/bulletin.docx?period=2030").status_code == 404
    assert client.get("/plans/jianghai-bsh-2022/bulletin.docx?period=2023Q9").status_code == 404
