"""A demo 核查 round for `make run`: demo staff of 江海区 draw six completed deadlines at random (seed 2024,
recorded on the round), find four 属实 and one 不实 (which reopens it and tells its lead unit), and leave one
to check. Through plans.verification; idempotent: a portal with any 核查 round gets none."""

from django.contrib.auth import get_user_model
from django.db import transaction

from plans.models import VerificationRound
from plans.verification import service
from units.models import Region

DEMO_SEED = 2024
FALSE_NOTE = "抽查佐证材料：活动通知与实际开展时间不符，请重新报送。"


@transaction.atomic
def seed_demo_verification() -> int:
    """Returns how many items the round drew (0 when there is one already, or nothing completed yet)."""
    if VerificationRound.objects.exists():
        return 0
    staff = get_user_model().objects.filter(username="staff").first()
    region = Region.objects.filter(code="jianghai").first()
    if staff is None or region is None or not service.completed_pairs(region):
        return 0
    data = service.DrawInput("2024年度完成事项核查（第一批）", "random", seed=DEMO_SEED, size=6)
    round_ = service.draw(staff, region, data)
    checks = list(round_.checks.select_related("round", "unit", "milestone").order_by("pk"))
    for index, check in enumerate(checks[:-1]):
        truthful = index != 1
        service.record(staff, check, truthful, "" if truthful else FALSE_NOTE)
    return len(checks)
