"""The 工作清单's columns, defined once: the export writes them, the import reads them back, and the
fixture reader (worklist.tsv) names its columns and errors with them.

A column with a `key` is part of a plan's text (it becomes a `WorklistRow` field and a worklist.tsv
column); one without is progress the export adds (状态, 灯色 …) and the import ignores. To add a column
to the export, add it here and give its value in plans/excel/worklist.py.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str  # the header in the 工作清单 (export and import) and the name errors use
    key: str = ""  # WorklistRow field and worklist.tsv column; "" for export-only progress columns
    import_required: bool = False  # an uploaded sheet without this column is refused
    fixture_required: bool = False  # a worklist.tsv row with this cell empty is refused
    merged: bool = False  # merged down runs of equal cells, as the printed 工作清单 does
    width: int = 14


WORKLIST = [
    Column("序号"),
    Column("工作任务", "category", import_required=True, fixture_required=True, merged=True),
    Column("项目内容", "item", import_required=True, fixture_required=True, merged=True, width=24),
    Column("工作举措", "measure", import_required=True, fixture_required=True, width=40),
    Column("节点计划", "milestone", import_required=True, fixture_required=True, width=60),
    Column("完成时间", "due", import_required=True),  # Nanping's documents leave it blank: see 推定完成时间
    # The document's own order up to here (000:121 “工作任务 项目内容 工作举措 节点计划 完成时间 责任单位”), then
    # what the portal adds (issue 21: it prints as the document reads).
    Column("责任单位", "units", import_required=True, fixture_required=True, width=36),
    Column("牵头单位", "lead", fixture_required=True, width=20),  # the import takes the first unit when absent
    Column("推定完成时间", "schedule"),
    Column("状态"),
    Column("灯色"),
    Column("最新审核通过进展", width=40),
    Column("最近更新", width=20),  # a date-time cell: 2024年12月31日 10:00
    Column("备注", "note", width=30),
    # Where a node plan comes from (issue 10): the worklist, or a commitment of the body text / closing sections.
    # The import reads them back, so a closing section “四（一）” is never taken for item 4.
    Column("来源", "part"),  # 工作清单 / 正文承诺（工程） / 正文承诺（组织保障/结尾）; commitments.tsv: item / closing
    Column("原文出处", "source", width=30),
]

# worklist.tsv keeps its own column order (a file format: changing it would rewrite every fixture); its rows are
# all from the worklist, so it has no 来源 / 原文出处 columns.
FIXTURE_KEYS = ["category", "item", "measure", "milestone", "due", "schedule", "units", "lead", "note"]
# commitments.tsv: node plans the worklist does not hold (工程 text, closing sections), with where they come from
COMMITMENT_KEYS = [*FIXTURE_KEYS, "part", "source"]

LABELS = {column.key: column.label for column in WORKLIST if column.key}
HEADER = [column.label for column in WORKLIST]
IMPORT_REQUIRED = [column.label for column in WORKLIST if column.import_required]
FIXTURE_REQUIRED = [column.key for column in WORKLIST if column.fixture_required]
MERGED = [column.label for column in WORKLIST if column.merged]
WIDTHS = {column.label: column.width for column in WORKLIST}
