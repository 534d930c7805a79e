"""Demo progress for a local run, so the dashboards have something to show. Goes through the real services."""

from django.contrib.auth import get_user_model
from django.db import transaction

from plans.choices import MilestoneStatus, UnitRole
from plans.demo.accounts import DEMO_ACCOUNTS, ensure_demo_accounts
from plans.loading.load import load_plans
from plans.models import Milestone, Plan, ProgressReport
from plans.workflow import reporting

DEMO_REPORTS = [
    # (liaison, plan, status, percent, narrative, approve?)
    ("hr", "jianghai-rcqq-2022", MilestoneStatus.COMPLETED, 100, "已按期完成，相关文件已印发。", True),
    ("hr", "jianghai-rcqq-2022", MilestoneStatus.IN_PROGRESS, 60, "已完成方案起草，正在征求有关单位意见。", True),
    ("hr", "jianghai-bsh-2022", MilestoneStatus.IN_PROGRESS, 70, "已走访重点企业 12 家，收集需求 30 余条。", True),
    ("hr", "jianghai-bsh-2022", MilestoneStatus.LAGGING, 30, "受场地调整影响，进度滞后，正在协调。", True),
    ("health", "jianghai-rcqq-2022", MilestoneStatus.IN_PROGRESS, 50, "家庭医生签约服务覆盖率提升至 40%。", True),
    ("science", "jianghai-rcqq-2022", MilestoneStatus.COMPLETED, 100, "新增省级孵化器 1 家、众创空间 1 家。", True),
    ("science", "jianghai-rcqq-2022", MilestoneStatus.IN_PROGRESS, 40, "科技综合体一期主体已封顶。", False),
    ("lile", "jianghai-rcqq-2022", MilestoneStatus.IN_PROGRESS, 50, "已建成乡村振兴人才驿站主体，正在布展。", None),
    ("np-hr", "nanping-cjwy-2021", MilestoneStatus.IN_PROGRESS, 65, "今年已提供实习实训岗位 520 个。", True),
]


def ensure_demo_portal() -> list[str]:
    """What the demo progress stands on, made if missing: the plans (loadplans) and the demo accounts (whose
    users write and review it), so `demo_progress` works on a fresh database on its own. Returns what it did."""
    done = []
    if not Plan.objects.exists():
        report = load_plans()
        done.append(f"数据库中没有行动计划，已先载入 fixtures/ 中的 {len(report.plans)} 个计划（同 loadplans）。")
    names = {account.username for account in DEMO_ACCOUNTS}
    if get_user_model().objects.filter(username__in=names).count() < len(names):
        # Only when one is missing: ensure_demo_accounts resets passwords, which a later call must not do.
        ensure_demo_accounts()
        done.append("演示账号不全，已先创建演示账号（同 demo_accounts）。")
    return done


@transaction.atomic
def seed_demo_progress() -> int:
    """Adds demo reports once (does nothing when any report exists). Returns how many reports it added."""
    if ProgressReport.objects.exists():
        return 0
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["admin", "hr", "health", "science", "lile", "np-hr"])
    }
    staff, used, added = users["admin"], set(), 0  # the superuser reviews in both regions
    for username, plan_code, status, percent, narrative, approve in DEMO_REPORTS:
        user = users[username]
        unit_ids = list(user.memberships.values_list("unit_id", flat=True))
        milestone = (
            Milestone.objects.filter(
                plan__code=plan_code, assignments__unit_id__in=unit_ids, assignments__role=UnitRole.LEAD
            )
            .exclude(pk__in=used)
            .filter(occurrences__is_deadline=True)
            .distinct()
            .order_by("position")
            .first()
        )
        if milestone is None:
            continue
        used.add(milestone.pk)
        occurrence = milestone.occurrences.filter(is_deadline=True).order_by("due_date").first()
        data = reporting.ReportInput(status=status, percent=percent, narrative=narrative, occurrence=occurrence)
        report = reporting.submit_report(user, milestone, data)
        added += 1
        if approve is not None:
            reporting.review_report(staff, report, approve, "" if approve else "请补充形象进度照片。", report.version)
    return added
