"""Evidence files are checked by their content, not their name, and by size."""

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


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


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
        except zipfile.BadZipFile:
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
    return extension
