"""Hostile files and long texts are refused with a Chinese message naming the file, before anything is
parsed or written: a zip bomb in milliseconds, archives inside archives, programs and macros inside office
files, a PDF that is also a web page, too many MB in one report, and import text longer than its column."""

import io
import time
import tracemalloc
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from plans.loading.excel_import import PlanHeader, preview_import
from plans.models import Evidence, ExtensionRequest, Plan
from plans.workflow import reporting
from talentplan.lib.uploads import validate_evidence
from tests.helpers import PDF_BYTES, milestone_led_by, pdf_upload, submit
from tests.test_loadplans import database_snapshot

pytestmark = pytest.mark.django_db
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
HEADER = PlanHeader(
    code="hostile",
    title="测试计划",
    region="jianghai",
    start_year=2022,
    end_year=2024,
    issue_date=date(2022, 3, 1),
    document_number="",
    issuers=[],
)


def office_zip(kind="word", extra=(), content_types=CONTENT_TYPES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(f"{kind}/document.xml" if kind == "word" else "xl/workbook.xml", b"<x/>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(path, unpacked_mb=543):
    """An xlsx-shaped zip whose one sheet unpacks to unpacked_mb of zeros (deflate reaches ~1000:1)."""
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_mb):
                member.write(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "炸弹.xlsx")


def test_a_zip_bomb_import_is_refused_in_milliseconds_without_unpacking(bomb, capsys):
    size_kb = bomb.stat().st_size / 1024
    assert size_kb < 1024  # hundreds of KB on disk, 543 MB unpacked
    before = database_snapshot()
    tracemalloc.start()
    started = time.perf_counter()
    preview = preview_import(bomb, "炸弹.xlsx", HEADER)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not preview.ok and any("炸弹.xlsx" in e and "压缩炸弹" in e for e in preview.errors), preview.errors
    assert elapsed < 0.5 and peak < 5 * 1024 * 1024
    assert database_snapshot() == before
    with capsys.disabled():
        print(f"\n压缩炸弹（{size_kb:.0f} KB，解压 543 MB）：{elapsed * 1000:.1f} ms 内拒绝，", end="")
        print(f"内存峰值 {peak / 1024:.0f} KB")


def test_a_zip_bomb_evidence_file_is_refused(bomb):
    upload = SimpleUploadedFile("炸弹.xlsx", bomb.read_bytes())
    with pytest.raises(ValidationError, match="炸弹.xlsx.*压缩炸弹"):
        validate_evidence(upload)


def test_an_archive_inside_an_import_is_refused(tmp_path):
    path = tmp_path / "嵌套.xlsx"
    path.write_bytes(office_zip("xl", [("xl/inner.zip", office_zip("xl"))]))
    preview = preview_import(path, "嵌套.xlsx", HEADER)
    assert any("嵌套.xlsx" in e and "内嵌了压缩文件" in e for e in preview.errors)


def test_too_many_members_are_refused(tmp_path):
    path = tmp_path / "部件.xlsx"
    path.write_bytes(office_zip("xl", [(f"xl/media/{i}.xml", b"") for i in range(1001)]))
    preview = preview_import(path, "部件.xlsx", HEADER)
    assert any("超过 1000 个的上限" in e for e in preview.errors)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("报告.pdf", b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF", "网页代码"),
        ("报告.pdf", b"%PDF-1.4\n" + b" " * 500 + b"<!DOCTYPE html>\n%%EOF", "网页代码"),
        ("报告.docx", office_zip("word", [("word/embeddings/setup.exe", b"MZ\x90\x00")]), "可执行文件（setup.exe）"),
        ("报告.docx", office_zip("word", [("word/media/image1.png", b"MZ\x90\x00rest")]), "可执行程序"),
        ("报告.docx", office_zip("word", [("word/run.ps1", b"Get-Process")]), "可执行文件（run.ps1）"),
        ("报告.docx", office_zip("word", [("word/vbaProject.bin", b"\xd0\xcf")]), "含有宏"),
        (
            "报告.docx",
            office_zip(
                "word",
                content_types=CONTENT_TYPES.replace(
                    b"/>", b'><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
                ),
            ),
            "启用宏的文档",
        ),
        ("表格.xlsx", office_zip("xl", [("payload.exe", b"MZ" + b"\0" * 64)]), "可执行文件（payload.exe）"),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "_VBA_PROJECT".encode("utf-16-le"), "含有宏"),
    ],
)
def test_hostile_evidence_is_refused_naming_the_file(name, content, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_evidence(SimpleUploadedFile(name, content))
    text = "；".join(excinfo.value.messages)
    assert f"文件“{name}”" in text and message in text


def test_ordinary_documents_still_pass():
    assert validate_evidence(pdf_upload()) == "pdf"
    chart = office_zip("word", [("word/embeddings/Microsoft_Excel_Worksheet.xlsx", office_zip("xl"))])
    assert validate_evidence(SimpleUploadedFile("图表.docx", chart)) == "docx"  # a chart's own workbook
    assert validate_evidence(SimpleUploadedFile("表.xlsx", office_zip("xl"))) == "xlsx"


def test_one_report_has_a_total_size_cap(settings, user_named):
    settings.EVIDENCE_MAX_TOTAL_BYTES = 3 * len(PDF_BYTES)  # three files fit, a fourth does not
    milestone = milestone_led_by("区卫生健康局")
    health = user_named("liaison_health")
    report = submit(health, milestone, files=[(pdf_upload(f"{i}.pdf"), "pdf") for i in range(3)])
    assert report.evidence.count() == 3
    with pytest.raises(ValidationError, match="超过每份报告"):
        submit(health, milestone, files=[(pdf_upload(f"{i}.pdf"), "pdf") for i in range(4)])
    # On resubmission the files kept count too: 3 kept + 1 new is over.
    reporting.review_report(user_named("staff"), report, False, "请补充材料", report.version)
    report.refresh_from_db()
    data = reporting.ReportInput(status="in_progress", percent=50, narrative="补充", occurrence=None)
    with pytest.raises(ValidationError, match="超过每份报告"):
        reporting.resubmit_report(health, report, data, report.version, [(pdf_upload("4.pdf"), "pdf")])
    assert Evidence.objects.filter(report=report).count() == 3


def test_the_report_form_refuses_files_over_the_total(settings, client_as):
    settings.EVIDENCE_MAX_TOTAL_BYTES = 2 * len(PDF_BYTES)
    milestone = milestone_led_by("区卫生健康局")
    files = [pdf_upload(f"{i}.pdf") for i in range(3)]
    response = client_as("liaison_health").post(
        f"/tasks/{milestone.pk}/report/",
        {"status": "in_progress", "percent": "10", "narrative": "进展", "files": files},
    )
    assert response.status_code == 400 and "超过每份报告" in response.content.decode()
    assert not milestone.reports.exists()


def test_a_long_extension_reason_can_be_approved(user_named):
    """Before: approving wrote "批准延期申请：" + reason as the history's change reason, a 100-character
    column, so a reason over 93 characters failed on PostgreSQL every time."""
    milestone = milestone_led_by("区卫生健康局")
    occurrence = milestone.occurrences.filter(is_deadline=True).first()
    reason = "因人员调整需要延期。" * 50  # 500 characters
    extension = reporting.request_extension(
        user_named("liaison_health"),
        milestone,
        occurrence,
        occurrence.due_date.replace(year=2030),
        reason,
        beyond_plan_confirmed=True,  # 2030 is after the plan's end (issue 21)
    )
    reporting.review_extension(user_named("staff"), extension, True, "同意")
    assert ExtensionRequest.objects.get(pk=extension.pk).state == "approved"
    assert occurrence.history.first().history_change_reason == f"批准延期申请：{reason}"


def test_import_text_longer_than_its_column_is_refused_in_the_preview(tmp_path):
    path = tmp_path / "长文本.xlsx"
    call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(path))
    workbook = load_workbook(path)
    sheet = workbook["工作清单"]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("完成时间") + 1, "2023年" + "年底前" * 30)  # 95 characters; the column holds 60
    sheet.cell(4, header.index("责任单位") + 1, "区" * 120)  # a unit name the column (100) cannot hold
    workbook.save(path)
    before = database_snapshot()
    preview = preview_import(path, "长文本.xlsx", HEADER)
    assert "长文本.xlsx 第3行：“完成时间”有 95 个字，超过 60 个字的上限" in preview.errors
    assert any("第4行：单位名称" in e and "超过 100 个字的上限" in e for e in preview.errors)
    assert database_snapshot() == before and not Plan.objects.filter(code="hostile").exists()
