"""The import's 指标 sheet, read against the new plan's years: every problem named by sheet and row.

The export writes one column per plan year ("2022年", then "2022年实际" ...). A file exported from a
2022–2024 plan and imported as 2025–2027 has planned figures and target years the new plan does not
have; each such row is reported, and the writer's own checks (plans.loading.indicators.validate_indicator) run
on every row, so nothing the writer would refuse reaches it.
"""

import re

from plans.loading.indicators import validate_indicator
from targets.choices import IndicatorKind

SHEET = "指标"
YEAR_COLUMN = re.compile(r"^(\d{4})年$")
_KIND_BY_LABEL = {label: value for value, label in IndicatorKind.choices} | {v: v for v in IndicatorKind.values}


def _year(text: str, what: str, errors: list[str], where: str) -> int | None:
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    errors.append(f"{where}：{what}“{text}”不是四位年份")
    return None


def read_indicator_rows(rows: list[list[str]], years: range, where: str) -> tuple[list[dict], list[str]]:
    """rows: the sheet's cells as text, header first. Returns the valid entries and every error.

    where: the file name; errors read "<file> 指标 第N行“名称”：...".
    """
    if not rows or len(rows) < 2:
        return [], []
    titles = rows[0]
    errors = []
    year_columns = {int(m[1]): t for t in titles if (m := YEAR_COLUMN.match(t))}
    missing = [f"{year}年" for year in years if year not in year_columns]
    if year_columns and missing:
        errors.append(
            f"{where} {SHEET} 第1行（表头）：缺少“{'”“'.join(missing)}”列"
            f"（计划年度为 {years.start}—{years.stop - 1} 年，表中为 {min(year_columns)}—{max(year_columns)} 年）"
        )
    entries = []
    for line, values in enumerate(rows[1:], start=2):
        cell = {title: values[i] if i < len(values) else "" for i, title in enumerate(titles) if title}
        if not any(cell.values()):
            continue  # a blank line
        label = f"{where} {SHEET} 第{line}行“{cell.get('指标', '')}”"
        row_errors = []
        kind_text = cell.get("类型", "")
        entry = {
            "table": cell.get("所属表格") or "导入",
            "name": cell.get("指标", ""),
            "measure_unit": cell.get("计量单位", ""),
            "kind": _KIND_BY_LABEL.get(kind_text, kind_text),
            "baseline_year": _year(cell.get("基期年份", ""), "基期年份", row_errors, label),
            "baseline": cell.get("基期值") or None,
            # Every year column the file has, so a figure for a year outside the plan is reported, not dropped.
            "yearly": {year: cell.get(title) or None for year, title in year_columns.items()},
            "target": cell.get("目标值") or None,
            "target_year": _year(cell.get("目标年份", ""), "目标年份", row_errors, label),
            "source": cell.get("出处", ""),
            "note": cell.get("备注", ""),
        }
        row_errors += validate_indicator(entry, years, label)
        if row_errors:
            errors += row_errors
        else:
            entry["yearly"] = {year: value for year, value in entry["yearly"].items() if year in years}
            entries.append(entry)
    return entries, errors
