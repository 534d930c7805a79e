"""Handing a stored file back: one helper for every kind of evidence (a report's, a 批示 reply's, an
indicator figure's), so each answers the same way when its file is gone from storage (a restore without
the media volume, a file removed by hand): the not-found page saying so in Chinese, never a 500. The view
has already found the record through plans.access, so saying that its file is missing tells nothing new."""

from django.http import FileResponse, HttpResponseNotFound
from django.template.loader import render_to_string

MISSING = "该文件的记录还在，但文件本身已不在存储中（可能已被删除，或未随备份恢复），请联系系统管理员。"


def stored_file(request, field_file, filename: str):
    """The file as an attachment under its original name, or 404 saying the file itself is missing."""
    try:
        if not field_file:
            raise FileNotFoundError(filename)
        handle = field_file.open("rb")
    except (FileNotFoundError, IsADirectoryError):
        page = render_to_string("404.html", {"message": MISSING, "request_path": request.path}, request)
        return HttpResponseNotFound(page)
    return FileResponse(handle, as_attachment=True, filename=filename)
