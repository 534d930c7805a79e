"""The completion-time parser, tested directly, including every phrase the fixtures contain."""

from datetime import date

import pytest

from plans.choices import ScheduleKind
from plans.schedule import ScheduleError, parse_schedule
from tests.fixture_reading import PLAN_CODES, plan_yaml, tsv_rows

# Every phrase the plans use, with what a person reading the document expects within 2022—2024:
# (kind, [(window start, due date), ...]). A phrase missing here makes test_every_fixture_phrase_is_known fail.
EXPECTED_2022_2024 = {
    "2022年12月": (ScheduleKind.ONCE, [(date(2022, 1, 1), date(2022, 12, 31))]),
    "2022年6月": (ScheduleKind.ONCE, [(date(2022, 1, 1), date(2022, 6, 30))]),
    "2023年12月": (ScheduleKind.ONCE, [(date(2022, 1, 1), date(2023, 12, 31))]),
    "2024年12月": (ScheduleKind.ONCE, [(date(2022, 1, 1), date(2024, 12, 31))]),
    "2022 年 5 月": (ScheduleKind.ONCE, [(date(2022, 1, 1), date(2022, 5, 31))]),
    "2024年底": (ScheduleKind.ONCE, [(date(2022, 1, 1), date(2024, 12, 31))]),
    "每年12月": (ScheduleKind.YEARLY, [(date(y, 1, 1), date(y, 12, 31)) for y in (2022, 2023, 2024)]),
    "每年 12 月": (ScheduleKind.YEARLY, [(date(y, 1, 1), date(y, 12, 31)) for y in (2022, 2023, 2024)]),
    "每年4月": (ScheduleKind.YEARLY, [(date(y, 1, 1), date(y, 4, 30)) for y in (2022, 2023, 2024)]),
    "每年10月": (ScheduleKind.YEARLY, [(date(y, 1, 1), date(y, 10, 31)) for y in (2022, 2023, 2024)]),
    "每年下半年": (ScheduleKind.YEARLY, [(date(y, 7, 1), date(y, 12, 31)) for y in (2022, 2023, 2024)]),
    "每两年下半年": (
        ScheduleKind.BIENNIAL,
        [(date(2022, 7, 1), date(2022, 12, 31)), (date(2024, 7, 1), date(2024, 12, 31))],
    ),
    "每年": (ScheduleKind.YEARLY, [(date(y, 1, 1), date(y, 12, 31)) for y in (2022, 2023, 2024)]),
    "每两年": (ScheduleKind.BIENNIAL, [(date(2022, 1, 1), date(2022, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31))]),
    "长期推进": (ScheduleKind.ONGOING, []),
    "按需开展": (ScheduleKind.ON_DEMAND, []),
}


def fixture_phrases() -> set[str]:
    return {row["due"] or row["schedule"] for code in PLAN_CODES for row in tsv_rows(code)}


def test_every_fixture_phrase_is_known():
    unknown = fixture_phrases() - set(EXPECTED_2022_2024)
    assert not unknown, f"工作清单中出现了测试未覆盖的完成时间写法：{sorted(unknown)}"


@pytest.mark.parametrize("phrase", sorted(fixture_phrases()))
def test_fixture_phrase_parses_to_expected_schedule(phrase):
    kind, windows = EXPECTED_2022_2024[phrase]
    schedule = parse_schedule(phrase)
    assert schedule.kind == kind
    assert [(o.start, o.due) for o in schedule.occurrences(2022, 2024)] == windows


@pytest.mark.parametrize("phrase", sorted(EXPECTED_2022_2024))
def test_documented_phrase_parses(phrase):
    kind, windows = EXPECTED_2022_2024[phrase]
    assert parse_schedule(phrase).kind == kind
    assert [(o.start, o.due) for o in parse_schedule(phrase).occurrences(2022, 2024)] == windows


def test_yearly_occurrences_stop_at_the_plans_last_year():
    assert [o.due for o in parse_schedule("每年12月").occurrences(2021, 2025)] == [
        date(2021, 12, 31),
        date(2022, 12, 31),
        date(2023, 12, 31),
        date(2024, 12, 31),
        date(2025, 12, 31),
    ]
    assert [o.label for o in parse_schedule("每年12月").occurrences(2022, 2024)] == [
        "2022年12月",
        "2023年12月",
        "2024年12月",
    ]


def test_biennial_over_five_years_starts_in_the_first_year():
    assert [o.due.year for o in parse_schedule("每两年").occurrences(2021, 2025)] == [2021, 2023, 2025]


def test_february_end_is_the_last_day_of_the_month():
    assert parse_schedule("2024年2月").occurrences(2024, 2024)[0].due == date(2024, 2, 29)
    assert parse_schedule("2023年2月").occurrences(2023, 2023)[0].due == date(2023, 2, 28)


def test_ongoing_work_has_quarterly_report_periods_but_no_deadline():
    schedule = parse_schedule("长期推进")
    assert schedule.has_deadline is False
    periods = schedule.report_periods(2022, 2024)
    assert len(periods) == 12
    assert (periods[0].start, periods[0].due, periods[0].label) == (
        date(2022, 1, 1),
        date(2022, 3, 31),
        "2022年第1季度",
    )
    assert periods[-1].due == date(2024, 12, 31)
    assert not any(p.is_deadline for p in periods)


def test_on_demand_work_is_never_due():
    schedule = parse_schedule("按需开展")
    assert schedule.occurrences(2022, 2024) == [] and schedule.report_periods(2022, 2024) == []
    assert schedule.has_deadline is False


@pytest.mark.parametrize("phrase", ["尽快", "2022年13月", "每年第13月", "", "   ", "2022-12", "年底"])
def test_unreadable_phrase_is_an_error_naming_the_text_and_the_source(phrase):
    with pytest.raises(ScheduleError) as excinfo:
        parse_schedule(phrase, source="worklist.tsv 第7行")
    message = str(excinfo.value)
    assert "worklist.tsv 第7行" in message
    assert f"“{phrase}”" in message


def test_nanping_schedules_follow_the_text_rule():
    """Nanping has no completion column: 每两年 / 每年 in the measure's text, otherwise ongoing."""
    for row in tsv_rows("nanping-cjwy-2021"):
        text = row["measure"] + row["milestone"]
        expected = "每两年" if "每两年" in text else "每年" if "每年" in text else "长期推进"
        assert row["due"] == ""
        assert row["schedule"] == expected, row["measure"]


def test_plan_years_match_the_documents():
    years = {code: (plan_yaml(code)["start_year"], plan_yaml(code)["end_year"]) for code in PLAN_CODES}
    assert years == {
        "jianghai-rcqq-2022": (2022, 2024),
        "jianghai-bsh-2022": (2022, 2024),
        "nanping-cjwy-2021": (2021, 2025),
    }
