"""One review workflow (plans/workflow/review.py) serves progress reports, extension requests and indicator entries."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans.models import ExtensionRequest, ProgressReport, Reviewable
from plans.workflow import indicator_entries, reporting, review
from talentplan.lib.versioning import StaleVersionError
from targets.models import IndicatorEntry, IndicatorYear
from tests.test_access_matrix import health_objects  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_kinds(health_objects):  # noqa: F811  (the imported fixture)
    """One of each kind waiting for review, all from 区卫生健康局's liaison (the access matrix's objects)."""
    return health_objects["report"], health_objects["extension"], health_objects["entry"]


def test_all_three_kinds_are_reviewables():
    assert all(issubclass(model, Reviewable) for model in (ProgressReport, ExtensionRequest, IndicatorEntry))


def test_the_queue_lists_all_three_kinds_for_staff(client_as, three_kinds):
    report, extension, entry = three_kinds
    body = client_as("staff").get("/reviews/").content.decode()
    assert f"#report-{report.pk}" in body
    assert f"/tasks/{extension.milestone_id}/#extensions" in body
    assert f"/indicators/{entry.indicator_id}/#entry-{entry.pk}" in body  # indicator entries reach the queue


def test_the_same_rules_for_every_kind(user_named, three_kinds):
    report, extension, entry = three_kinds
    staff, leader = user_named("staff"), user_named("leader")
    for item in three_kinds:
        with pytest.raises(PermissionDenied):
            review.decide(leader, item, True, "")
    with pytest.raises(ValidationError, match="退回时请填写退回意见"):
        review.decide(staff, entry, False, "  ", entry.version)
    stale = entry.version
    indicator_entries.review_entry(staff, entry, False, "数据来源不清", stale)
    with pytest.raises(StaleVersionError):
        indicator_entries.review_entry(staff, entry, True, "", stale)
    entry.refresh_from_db()
    assert (entry.state, entry.reviewer, entry.review_comment) == ("returned", staff, "数据来源不清")
    # Refusing an extension needs a reason too (在“不批准”时说明理由), and it is versioned like the others.
    with pytest.raises(ValidationError, match="不批准延期时请填写理由"):
        reporting.review_extension(staff, extension, False, "")
    decided = reporting.review_extension(staff, extension, False, "年内必须完成")
    assert (decided.state, decided.reviewer, decided.version) == ("rejected", staff, 2)
    assert review.pending(staff)["extensions"].count() == 0 and review.pending(staff)["entries"].count() == 0


def test_approving_applies_each_kinds_own_effect(user_named, three_kinds):
    report, extension, entry = three_kinds
    staff = user_named("staff")
    reporting.review_report(staff, report, True, "", report.version)
    report.milestone.refresh_from_db()
    assert (report.milestone.status, report.milestone.percent) == (report.status, report.percent)
    reporting.review_extension(staff, extension, True, "同意")
    extension.occurrence.refresh_from_db()
    assert extension.occurrence.extended_due_date == extension.requested_due_date
    indicator_entries.review_entry(staff, entry, True, "", entry.version)
    assert IndicatorYear.objects.get(indicator=entry.indicator, year=2022).actual_value == Decimal(3)
