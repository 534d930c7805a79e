"""gen_synthetic builds consistent data through the real invariants, the same for the same seed, and
refuses what it must; bench/run.py --smoke measures every page end to end on a throwaway SQLite."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q

from bench.synthetic import SyntheticError, generate, size_for, synthetic_digest
from plans.choices import MilestoneStatus, ReportKind, ReportState, UnitRole
from plans.models import Milestone, MilestoneUnit, Occurrence, ProgressReport
from plans.schedule import parse_schedule
from units.models import Membership, Unit

TODAY = date(2026, 6, 15)
ROOT = Path(__file__).resolve().parent.parent


class Rollback(Exception):
    pass


def digest_of(seed: int) -> str:
    """Generate inside a savepoint, take the digest, roll back: the next generation starts from the same state."""
    try:
        with transaction.atomic():
            generate(size_for(200), seed=seed, today=TODAY, force=True)
            result = synthetic_digest()
            raise Rollback
    except Rollback:
        return result


@pytest.mark.django_db
def test_tiny_scale_is_consistent():
    summary = generate(size_for(200), seed=7, today=TODAY, force=True)
    milestones = Milestone.objects.filter(plan__code__startswith="syn-")
    # 200 node plans, and 3 reports per node plan (the 100k : 300k) in total.
    assert milestones.count() == 200
    assert ProgressReport.objects.filter(milestone__plan__code__startswith="syn-").count() == 600
    assert summary["rows"]["Milestone"] == 200

    # Synthetic staff and leaders work for every synthetic region: they read every synthetic node plan.
    from django.contrib.auth import get_user_model

    from plans import access

    for username in ("syn-staff-1", "syn-leader-1"):
        user = get_user_model().objects.get(username=username)
        assert access.milestones(user).filter(plan__code__startswith="syn-").count() == 200

    # Every node plan has exactly one lead unit.
    leads = milestones.annotate(n=Count("assignments", filter=Q(assignments__role=UnitRole.LEAD)))
    assert set(leads.values_list("n", flat=True)) == {1}

    # Deadlines are what the parser derives from the completion time, within the plan's years.
    for milestone in milestones.select_related("plan").prefetch_related("occurrences"):
        schedule = parse_schedule(milestone.due_text or milestone.schedule_text)
        years = (milestone.plan.start_year, milestone.plan.end_year)
        expected = {
            (o.label, o.start, o.due, o.is_deadline)
            for o in schedule.occurrences(*years) + schedule.report_periods(*years)
        }
        stored = {(o.label, o.start_date, o.due_date, o.is_deadline) for o in milestone.occurrences.all()}
        assert stored == expected, milestone.schedule_phrase
        assert milestone.schedule_kind == schedule.kind

    # Reports come from a unit of their node plan, written by a liaison covering that unit,
    # and point at an occurrence of the same node plan.
    liaison_units = set(Membership.objects.values_list("user_id", "unit_id"))
    units_of = {}
    for milestone_id, unit_id in MilestoneUnit.objects.filter(milestone__in=milestones).values_list(
        "milestone_id", "unit_id"
    ):
        units_of.setdefault(milestone_id, set()).add(unit_id)
    members_of = {}
    for group_id, member_id in Unit.members.through.objects.values_list("from_unit_id", "to_unit_id"):
        members_of.setdefault(group_id, set()).add(member_id)
    occurrence_owner = dict(Occurrence.objects.filter(milestone__in=milestones).values_list("pk", "milestone_id"))
    for report in ProgressReport.objects.filter(milestone__in=milestones):
        assert report.unit_id in units_of[report.milestone_id]
        covered = {report.unit_id} | members_of.get(report.unit_id, set())
        assert any((report.author_id, unit) in liaison_units for unit in covered)
        assert report.occurrence_id is None or occurrence_owner[report.occurrence_id] == report.milestone_id
        if report.kind == ReportKind.INPUT:
            assert report.state == ReportState.SHARED
        if report.state in (ReportState.APPROVED, ReportState.RETURNED):
            assert report.reviewer_id and report.reviewed_at >= report.submitted_at

    # Each report has the history the portal would have written: submitted by its author, then reviewed.
    reports = ProgressReport.objects.filter(milestone__in=milestones)
    created = set(ProgressReport.history.filter(history_type="+").values_list("id", "history_user_id"))
    assert created == set(reports.values_list("id", "author_id"))
    reviewed = reports.filter(state__in=[ReportState.APPROVED, ReportState.RETURNED])
    changed = set(ProgressReport.history.filter(history_type="~").values_list("id", "history_user_id", "state"))
    assert changed == set(reviewed.values_list("id", "reviewer_id", "state"))

    # A deadline is met only through an approved "已完成" report for it.
    met = set(
        Occurrence.objects.filter(milestone__in=milestones, completed_on__isnull=False).values_list("pk", flat=True)
    )
    completing = ProgressReport.objects.filter(state=ReportState.APPROVED, status=MilestoneStatus.COMPLETED)
    assert met and met <= set(completing.values_list("occurrence_id", flat=True))


@pytest.mark.django_db
def test_same_seed_same_rows_and_another_seed_differs():
    first, again, other = digest_of(3), digest_of(3), digest_of(4)
    assert first == again
    assert first != other


@pytest.mark.django_db
def test_refusals_change_nothing():
    # The test database holds the three real plans: without --force the generator refuses.
    with pytest.raises(SyntheticError, match="--force"):
        generate(size_for(200), today=TODAY)
    if connection.vendor == "sqlite":  # above 10k node plans SQLite is refused, even with --force
        with pytest.raises(SyntheticError, match="SQLite"):
            generate(size_for(20_000), today=TODAY, force=True)
    assert not Milestone.objects.filter(plan__code__startswith="syn-").exists()
    generate(size_for(200), today=TODAY, force=True)
    with pytest.raises(SyntheticError, match="已有合成数据"):
        generate(size_for(200), today=TODAY, force=True)


def test_bench_smoke_measures_every_page(tmp_path):
    output = tmp_path / "smoke.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(output.read_text())
    pages = {row["key"]: row for row in result["pages"]}
    # The floor, the peer, the 11 pages of the issue and the dashboard right after a change: each measured
    # (or skipped by name), none failing.
    # ... and the 10 rows of what users click next (issue 22: 数据体检, the year and light filters, a busy morning).
    assert len(pages) == 24
    assert not [row for row in pages.values() if "error" in row]
    measured = [row for row in pages.values() if "median_ms" in row]
    assert {"floor", "peer", "tasks", "dashboard", "dashboard_after_change", "api"} <= {row["key"] for row in measured}
    assert {"health", "tasks_year_open", "dashboard_year", "dashboard_busy"} <= {row["key"] for row in measured}
    assert all(row["status"] == 200 and row["queries"] > 0 for row in measured)
    assert pages["peer"]["ratio"] == 1.0
