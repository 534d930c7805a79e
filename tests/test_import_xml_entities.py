"""An .xlsx whose sheet XML declares entities (<!DOCTYPE … <!ENTITY …>) is refused with a Chinese message by the
import page and by `import_worklist`, and nothing is written: openpyxl parses worksheets through defusedxml.
So are its hostile cousins (an external entity, "billion laughs", an undeclared entity, truncated XML), which
used to end in a 500."""

import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from plans.models import Plan
from tests.test_loadplans import database_snapshot

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"  # 工作清单, the first sheet of the exported workbook
REFUSED = "不是有效的 Excel（.xlsx）文件"
HEADER = {"region": "jianghai", "start_year": "2025", "end_year": "2027", "issue_date": "2025-01-01"}


def with_entity(source, target):
    """Copy the workbook, rewriting sheet1 so the text of its cell B2 comes from an internal entity."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as crafted:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == SHEET:
                xml = data.decode("utf-8")
                cell = re.search(r'<c r="B2"[^>]*><is><t>([^<]*)</t>', xml)
                raw = cell.group(1)
                xml = xml[: cell.start(1)] + "&category;" + xml[cell.end(1) :]
                data = f'<!DOCTYPE worksheet [<!ENTITY category "{raw}">]>{xml}'.encode()
            crafted.writestr(item, data)
    return target


def sheet_text(path) -> list[str]:
    """Every text node of the sheet, as an entity-expanding parser (the standard library's) reads it."""
    with zipfile.ZipFile(path) as workbook:
        return [node.text or "" for node in ET.fromstring(workbook.read(SHEET)).iter()]


@pytest.fixture
def crafted(tmp_path):
    exported = tmp_path / "rcqq.xlsx"
    call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(exported))
    path = with_entity(exported, tmp_path / "entity.xlsx")
    # Same workbook, same text: the entity is the only difference, so it is the only reason for a refusal.
    assert sheet_text(path) == sheet_text(exported)
    with zipfile.ZipFile(path) as workbook:
        assert b"<!ENTITY category" in workbook.read(SHEET)
    return path


def rewritten(source, target, member, change):
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as crafted:
        for name in original.namelist():
            data = original.read(name)
            crafted.writestr(name, change(data.decode("utf-8")).encode() if name == member else data)
    return target


# Each hostile change goes into the first 序号 cell, <v>1</v> (a number cell since issue 21).
LAUGHS = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
HOSTILE = {
    "external entity": (
        SHEET,
        lambda xml: (
            '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml.replace("<v>1</v>", "<v>&x;</v>", 1)
        ),
    ),
    "billion laughs": (SHEET, lambda xml: LAUGHS + xml.replace("<v>1</v>", "<v>&b;</v>", 1)),
    "undeclared entity": (SHEET, lambda xml: xml.replace("<v>1</v>", "<v>&nope;</v>", 1)),
    "truncated sheet": (SHEET, lambda xml: xml[:-50]),
    "truncated workbook.xml": ("xl/workbook.xml", lambda xml: xml[:-20]),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_xml_is_refused_by_page_and_command(kind, tmp_path, client_as):
    exported = tmp_path / "rcqq.xlsx"
    call_command("export_worklist", "jianghai-rcqq-2022", "-o", str(exported))
    member, change = HOSTILE[kind]
    path = rewritten(exported, tmp_path / "hostile.xlsx", member, change)
    before = database_snapshot()
    with pytest.raises(CommandError, match=f"文件“hostile.xlsx”{REFUSED}"):
        call_command(
            "import_worklist",
            str(path),
            "--plan-code",
            "hostile",
            "--region",
            "jianghai",
            "--start-year",
            "2025",
            "--end-year",
            "2027",
            "--title",
            "恶意文件",
        )
    upload = SimpleUploadedFile("hostile.xlsx", path.read_bytes())
    response = client_as("staff").post("/plans/import/", {"file": upload, "code": "hostile", "title": "恶意", **HEADER})
    assert response.status_code == 400 and f"文件“hostile.xlsx”{REFUSED}" in response.content.decode()
    assert database_snapshot() == before


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True  # defusedxml is installed (requirements.txt) and not switched off


def test_the_import_command_refuses_an_entity_and_writes_nothing(crafted):
    before = database_snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_worklist",
            str(crafted),
            "--plan-code",
            "entity-plan",
            "--region",
            "jianghai",
            "--start-year",
            "2025",
            "--end-year",
            "2027",
            "--title",
            "带实体的计划",
        )
    assert "未导入，数据库未作任何修改" in str(excinfo.value)
    assert f"文件“entity.xlsx”{REFUSED}" in str(excinfo.value)
    assert database_snapshot() == before
    assert not Plan.objects.filter(code="entity-plan").exists()


def test_the_import_page_refuses_an_entity_and_writes_nothing(crafted, client_as):
    before = database_snapshot()
    upload = SimpleUploadedFile("entity.xlsx", crafted.read_bytes())
    response = client_as("staff").post(
        "/plans/import/", {"file": upload, "code": "entity-plan", "title": "带实体的计划", **HEADER}
    )
    assert response.status_code == 400
    assert f"文件“entity.xlsx”{REFUSED}" in response.content.decode()
    assert database_snapshot() == before
    assert not Plan.objects.filter(code="entity-plan").exists()
