"""The demo 督办单 (issue 23): `make run` shows one 办结, one signed awaiting its 回执, one unsigned past its reply
date and one in 南平市, made through plans.supervision; a second run adds nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from plans.demo.accounts import ensure_demo_accounts
from plans.demo.supervision import seed_demo_supervision
from plans.models import SupervisionNotice
from plans.supervision import lists

pytestmark = pytest.mark.django_db
TODAY = date(2024, 6, 20)


def test_the_demo_shows_each_state_once_and_is_idempotent(django_user_model):
    ensure_demo_accounts()
    assert seed_demo_supervision(TODAY) == 4
    assert seed_demo_supervision(TODAY) == 0
    rows = {(n.unit.name, n.state) for n in SupervisionNotice.objects.select_related("unit")}
    assert rows == {
        ("区人力资源和社会保障局", "done"),
        ("区人力资源和社会保障局", "signed"),
        ("区卫生健康局", "issued"),
        ("市人社局", "issued"),
    }
    numbers = sorted(SupervisionNotice.objects.values_list("number", flat=True))
    assert numbers == ["南平督〔2024〕1号", "江海督〔2024〕1号", "江海督〔2024〕2号", "江海督〔2024〕3号"]
    staff = django_user_model.objects.get(username="staff")
    # 江海区's demo staff: the signed one and the unsigned overdue one are open (南平's is not theirs to see).
    assert lists.counts_for(staff, TODAY) == lists.Counts(open=2, unsigned=1, overdue=1)
    done = SupervisionNotice.objects.get(state="done")
    assert done.replies.count() == 1 and done.signed_at.date() == date(2024, 5, 22)


def test_the_command_runs_it(capsys):
    call_command("demo_accounts")
    call_command("demo_progress")
    assert "已下发演示督办单 4 份" in capsys.readouterr().out
    call_command("demo_progress")
    assert "督办单" not in capsys.readouterr().out
