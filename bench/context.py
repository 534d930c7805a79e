"""Who and what the benchmark looks at, found in the synthetic data: the busiest liaison, the node plan
with the most reports, the largest plan, a search term that matches."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count

from plans import access
from plans.choices import UnitRole
from plans.models import Milestone, MilestoneUnit, Notification, Plan

SEARCH_TERM = "博士后工作站"


@dataclass
class BenchContext:
    staff: object
    leader: object
    liaison: object  # the liaison whose units lead the most node plans
    notified: object  # the user with the most notifications (falls back to the liaison)
    hot_milestone_id: int
    largest_plan: Plan
    search: str = SEARCH_TERM
    year: int = 2026  # the year filters' year (issue 22): gen_synthetic's default today is in 2026


def find_context() -> BenchContext:
    User = get_user_model()
    staff = User.objects.filter(username__startswith="syn-staff-").order_by("username").first()
    leader = User.objects.filter(username__startswith="syn-leader-").order_by("username").first()
    if staff is None or leader is None:
        raise RuntimeError("基准数据库中没有合成用户：请先运行 gen_synthetic")
    busiest_unit = (
        MilestoneUnit.objects.filter(role=UnitRole.LEAD, unit__is_group=False, unit__memberships__isnull=False)
        .values("unit_id")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "unit_id")
        .first()
    )
    liaison = User.objects.filter(memberships__unit_id=busiest_unit["unit_id"]).order_by("pk").first()
    most_notified = Notification.objects.values("user_id").annotate(n=Count("id")).order_by("-n", "user_id").first()
    notified = User.objects.get(pk=most_notified["user_id"]) if most_notified else liaison
    hot = Milestone.objects.annotate(n=Count("reports")).order_by("-n", "pk").values_list("pk", flat=True).first()
    # The largest plan the benchmark's staff member sees (a benchmark database may also hold the seed plans).
    largest = access.plans(staff).annotate(n=Count("milestones")).order_by("-n", "code").first()
    return BenchContext(staff, leader, liaison, notified, hot, largest)


def led_milestones(user, limit: int) -> list[int]:
    """Node plans the user's units lead (the liaison may report on them)."""
    return list(
        Milestone.objects.filter(assignments__unit__memberships__user=user, assignments__role=UnitRole.LEAD)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
