"""Evidence files are checked by their content, not their name, and by size; every zip-based file (xlsx,
docx, an import) has its structure checked before anything parses it."""

import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

ALLOWED_EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "ole": {"doc", "xls"},  # Word 97 / Excel 97 share one container format
}
ACCEPT_ATTRIBUTE = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"


# Zip structure limits. A real 3,000-row 工作清单 unpacks to a few MB at a ratio near 10; a zip bomb unpacks
# to hundreds of MB at ratios in the thousands. Sizes come from the central directory, and zipfile never
# reads past a member's declared size, so checking them bounds what any parser can be made to unpack.
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_TOTAL_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 200
NESTED_ARCHIVE = re.compile(r"\.(zip|jar|7z|rar|gz|xlsx|xlsm|docx|docm|pptx)$", re.I)
EXECUTABLE = re.compile(r"\.(exe|dll|bat|cmd|com|js|jse|vbs|vbe|wsf|ps1|msi|scr|jar|hta|lnk|cpl|sh)$", re.I)
MACRO_CONTENT = re.compile(rb"macroEnabled|vbaProject|vnd\.ms-office\.activeX", re.I)
# Markers a browser's sniffer or an HTML parser would act on, looked for in the first KB of every file.
HTML_MARKERS = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta)[\s>/]", re.I)
OLE_MACRO_STREAMS = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"), b"VBA\x00P\x00R\x00O")


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def max_total_bytes() -> int:
    """All the files of one report together (those already kept and the new ones)."""
    return getattr(settings, "EVIDENCE_MAX_TOTAL_BYTES", 30 * 1024 * 1024)


def check_zip_structure(source, name: str, allow_nested=()) -> zipfile.ZipFile:
    """Open source (a path or a file) as a zip and refuse a bomb before any member is read: too many
    members, too large unpacked in total, a member compressed too well, or an archive inside. Names the file
    in every refusal. allow_nested: name prefixes where an archive may sit (a chart's workbook in a docx)."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(f"文件“{name}”不是有效的压缩文档，无法读取。") from exc
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise ValidationError(
            f"文件“{name}”内含 {len(members)} 个部件，超过 {ZIP_MAX_MEMBERS} 个的上限，疑似异常文件。"
        )
    total = sum(member.file_size for member in members)
    if total > ZIP_MAX_TOTAL_BYTES:
        limit = ZIP_MAX_TOTAL_BYTES // (1024 * 1024)
        raise ValidationError(f"文件“{name}”解压后超过 {limit} MB，疑似压缩炸弹，已拒绝。")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1):
            raise ValidationError(f"文件“{name}”的压缩比异常（部件 {member.filename}），疑似压缩炸弹，已拒绝。")
        if NESTED_ARCHIVE.search(member.filename) and not member.filename.startswith(tuple(allow_nested)):
            raise ValidationError(f"文件“{name}”内嵌了压缩文件（{member.filename}），已拒绝。")
    return archive


def check_office_content(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an office file that carries a program or macros."""
    for member in archive.infolist():
        base = member.filename.rsplit("/", 1)[-1]
        if EXECUTABLE.search(base):
            raise ValidationError(f"文件“{name}”内含可执行文件（{base}），已拒绝。")
        if base.lower() == "vbaproject.bin" or base.lower().endswith(".bin") and "vba" in base.lower():
            raise ValidationError(f"文件“{name}”含有宏（{base}），请另存为不含宏的文档后再上传。")
        with archive.open(member) as handle:
            head = handle.read(2)
        if head == b"MZ":
            raise ValidationError(f"文件“{name}”内含可执行程序（{member.filename}），已拒绝。")
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in archive.namelist() else b""
    if MACRO_CONTENT.search(types):
        raise ValidationError(f"文件“{name}”是启用宏的文档（.docm/.xlsm），请另存为 .docx/.xlsx 后再上传。")


def check_not_html(upload, name: str) -> None:
    """A file whose first KB holds HTML is refused, whatever it starts with: a PDF that is also a web page
    would run as one if a browser or a mail client ever sniffed it."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if HTML_MARKERS.search(head):
        raise ValidationError(f"文件“{name}”的内容含有网页代码（HTML/脚本），不是纯粹的文档，已拒绝。")


def check_ole_macros(upload, name: str) -> None:
    """Word 97 / Excel 97 files keep macros in streams named _VBA_PROJECT / Macros; refuse one that has them."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if any(marker in data for marker in OLE_MACRO_STREAMS):
        raise ValidationError(f"文件“{name}”含有宏，请另存为不含宏的文档后再上传。")


def detect_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(name.startswith("word/") for name in names):
                return "docx"
            if any(name.startswith("xl/") for name in names):
                return "xlsx"
    return None


def validate_evidence(upload) -> str:
    """The file's real type, or a ValidationError in Chinese naming the file."""
    name = upload.name
    if upload.size > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise ValidationError(f"文件“{name}”超过 {limit} MB 的大小限制。")
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空文件。")
    kind = detect_type(upload)
    if kind is None:
        raise ValidationError(f"文件“{name}”的内容不是允许的类型（PDF、Word、Excel、JPG、PNG）。")
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS[kind]:
        raise ValidationError(f"文件“{name}”的扩展名与其内容不符，请检查后重新上传。")
    if kind in ("pdf", "png", "jpg"):  # a zip's or an OLE file's first KB is binary structure, not markup
        check_not_html(upload, name)
    if kind in ("docx", "xlsx"):
        try:
            archive = check_zip_structure(upload, name, allow_nested=("word/embeddings/", "xl/embeddings/"))
            check_office_content(archive, name)
        finally:
            upload.seek(0)
    elif kind == "ole":
        check_ole_macros(upload, name)
    return extension


def check_report_total(uploads, name_of_report: str = "本次报送", already: int = 0) -> None:
    """The files of one report together stay under the cap (the files kept before count too)."""
    total = already + sum(upload.size for upload in uploads)
    if total > max_total_bytes():
        limit = max_total_bytes() // (1024 * 1024)
        raise ValidationError(
            f"{name_of_report}的佐证材料合计 {total / (1024 * 1024):.1f} MB，超过每份报告 {limit} MB 的上限。"
        )
