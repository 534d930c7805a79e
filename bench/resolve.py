"""Finding project code by several possible names: plans/ is being split into subpackages, and a
benchmark that crashes on a moved function measures nothing. Missing means a "skipped" row."""

import importlib

from django.urls import NoReverseMatch, reverse


def find_callable(*candidates: str):
    """The first "module:attribute" that imports, or None."""
    for candidate in candidates:
        module_name, attribute = candidate.split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, attribute):
            return getattr(module, attribute)
    return None


def find_url(names: list[str], kwargs=None) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


TASK_EXPORT_ROWS = ("plans.excel.task_export:ordered_rows",)
TASK_COLUMNS = ("plans.task_columns:TASK_COLUMNS",)
TASK_QUERYSET = ("plans.queries:task_queryset", "plans.access:task_queryset", "plans.views.tasks:task_queryset")
WORKLIST_ROWS = ("plans.worklist:worklist_rows", "plans.excel.worklist:worklist_rows")
WORKLIST_HEADER = (
    "plans.worklist:WORKLIST_HEADER",
    "plans.excel.worklist:WORKLIST_HEADER",
    "plans.excel.columns:HEADER",
)
INDICATOR_ROWS = ("plans.worklist:indicator_rows", "plans.excel.worklist:indicator_rows")
INDICATOR_HEADER = ("plans.worklist:indicator_header", "plans.excel.worklist:indicator_header")
