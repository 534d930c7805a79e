"""Demo 督办单 for `make run`, issued by the demo staff through plans.supervision at the dates they happened:

- to 区人社局 a month ago, signed, answered and 办结 (the whole loop);
- to 区人社局 a week ago, signed, its 回执 still due (reply date a week ahead);
- to 区卫生健康局 three weeks ago, never signed, its reply date passed (逾期, reminded every day);
- to 南平市人社局 (the other region's own staff) two days ago, not yet signed.

Idempotent: a portal that has any 督办单 gets none (the demo never adds to real ones)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from plans import access
from plans.choices import UnitRole
from plans.demo.year import demo_clock
from plans.models import SupervisionNotice
from plans.supervision import service

REQUIREMENT = "请对照节点计划倒排工期、明确责任人，确保按期完成；确有困难的，请书面说明原因并提出整改措施。"


def _led_by(staff, unit_name, region_code, today, count):
    """Node plans the unit alone leads (so each 督办单 goes to it only), the soonest due first."""
    sole = access.milestones(staff, active=True).annotate(
        leads=Count("assignments", filter=Q(assignments__role=UnitRole.LEAD))
    )
    rows = sole.filter(leads=1, plan__region__code=region_code, next_due_date__isnull=False).filter(
        assignments__unit__name=unit_name, assignments__role=UnitRole.LEAD
    )
    return list(rows.order_by("next_due_date", "position")[:count])


def _issue(staff, milestones, day, reply_in_days):
    with demo_clock(day):
        data = service.IssueInput(REQUIREMENT, day + timedelta(days=reply_in_days))
        return service.issue(staff, milestones, data)


@transaction.atomic
def seed_demo_supervision(today=None) -> int:
    """Returns how many 督办单 it issued (0 when there are some already or the demo accounts are missing)."""
    today = today or timezone.localdate()
    if SupervisionNotice.objects.exists():
        return 0
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["staff", "np-staff", "hr"])}
    if len(users) < 3:
        return 0
    staff, np_staff, hr = users["staff"], users["np-staff"], users["hr"]
    hr_items = _led_by(staff, "区人力资源和社会保障局", "jianghai", today, 3)
    health_items = _led_by(staff, "区卫生健康局", "jianghai", today, 1)
    np_items = _led_by(np_staff, "市人社局", "nanping", today, 1)
    if len(hr_items) < 3 or not health_items or not np_items:
        return 0
    issued = []
    month_ago = today - timedelta(days=30)
    [done] = _issue(staff, hr_items[:2], month_ago, 10)
    with demo_clock(month_ago + timedelta(days=1)):
        service.sign(hr, done)
    with demo_clock(month_ago + timedelta(days=8)):
        service.reply(hr, done, "已召开专题推进会，两项评选活动方案已报区政府审定。", "倒排工期，每周调度一次。")
    done.refresh_from_db()
    with demo_clock(month_ago + timedelta(days=9)):
        service.decide(staff, done, True, "", done.version)
    issued.append(done)
    [waiting] = _issue(staff, hr_items[2:], today - timedelta(days=7), 14)
    with demo_clock(today - timedelta(days=6)):
        service.sign(hr, waiting)
    issued.append(waiting)
    issued += _issue(staff, health_items, today - timedelta(days=21), 14)  # unsigned, reply date passed a week ago
    issued += _issue(np_staff, np_items, today - timedelta(days=2), 10)
    return len(issued)
