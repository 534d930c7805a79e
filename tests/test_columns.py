"""One column spec (plans/excel/columns.py) for the 工作清单 export, its import and worklist.tsv."""

import dataclasses
import io

import openpyxl
import pytest

from plans.excel import columns
from plans.loading.fixture_files import WorklistRow

pytestmark = pytest.mark.django_db


def test_every_text_column_is_a_row_field_and_a_fixture_column():
    fields = {f.name for f in dataclasses.fields(WorklistRow)} - {"line"}
    # commitments.tsv has every column; worklist.tsv all but 来源 / 原文出处 (its rows are the worklist's own).
    assert set(columns.LABELS) == fields == set(columns.COMMITMENT_KEYS)
    assert set(columns.COMMITMENT_KEYS) - set(columns.FIXTURE_KEYS) == {"part", "source"}


def test_the_download_has_the_specs_header_and_merges(client_as):
    response = client_as("staff").get("/plans/jianghai-rcqq-2022/worklist.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["工作清单"]
    assert [cell.value for cell in sheet[1]] == columns.HEADER
    # The printed 工作清单 merges 工作任务 and 项目内容 (columns B and C); nothing else is merged.
    assert {cell_range.min_col for cell_range in sheet.merged_cells.ranges} == {2, 3}
