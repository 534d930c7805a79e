"""The demo 督办单 (issue 23): `make run` shows one 办结, one signed awaiting its 回执, one unsigned past its reply
date and one in 南平市, made through plans.supervision; a second run adds nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from plans.demo.accounts import ensure_demo_accounts
from plans.demo.progress import seed_demo_progress
from plans.demo.supervision import seed_demo_supervision
from plans.demo.verification import DEMO_SEED, seed_demo_verification
from plans.demo.year import seed_demo_year
from plans.models import Occurrence, SupervisionNotice, VerificationRound
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


def test_the_demo_verification_round_finds_one_false_and_is_idempotent():
    ensure_demo_accounts()
    seed_demo_progress()
    seed_demo_year(date(2023, 12, 15))
    assert seed_demo_verification() == 6
    assert seed_demo_verification() == 0
    round_ = VerificationRound.objects.get()
    assert round_.seed == DEMO_SEED and round_.method == "random"
    verdicts = sorted(round_.checks.values_list("verdict", flat=True))
    assert verdicts == ["", "false", "true", "true", "true", "true"]
    reopened = round_.checks.get(verdict="false").occurrence
    assert Occurrence.objects.get(pk=reopened.pk).completed_on is None
