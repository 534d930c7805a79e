"""The PDF of a 进展通报: the Word document converted by LibreOffice (`soffice --headless`), so the PDF has
the Word's layout. Fonts are the local ones (fonts.conf beside this module maps the 公文 fonts onto the
installed Noto CJK when they are missing); nothing is fetched. Each conversion has its own LibreOffice
profile, so two at once do not wait for each other's lock."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONTS = Path(__file__).with_name("fonts.conf")
TIMEOUT = 180  # seconds: a cold start of LibreOffice on a loaded 2-core machine takes up to a minute


class ConversionError(Exception):
    """The PDF could not be made; the message is for the user (Chinese)."""


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    binary = office_binary()
    if binary is None:
        raise ConversionError("服务器未安装 LibreOffice，无法生成 PDF，通报未印发。请联系管理员安装后再印发。")
    with tempfile.TemporaryDirectory(prefix="bulletin-") as work:
        folder = Path(work)
        source = folder / "bulletin.docx"
        source.write_bytes(docx)
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS), "HOME": str(folder)}
        command = [
            binary,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT, env=env)
        except (subprocess.SubprocessError, OSError) as error:
            raise ConversionError(f"PDF 转换失败（{type(error).__name__}），通报未印发，请稍后再试。") from error
        target = folder / "bulletin.pdf"
        if not target.exists() or not target.read_bytes().startswith(b"%PDF"):
            raise ConversionError("PDF 转换未生成文件，通报未印发，请稍后再试。")
        return target.read_bytes()
