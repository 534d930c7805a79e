"""交办 pages: the JSON and the no-JS preview show the same deadlines; invalid forms write nothing (400);
a stale edit page is refused in Chinese; a saved node plan reaches the liaison's 我的任务."""

import pytest
from django.urls import reverse

from plans.models import Milestone, Plan
from plans.workflow import assignment
from units.models import Unit

pytestmark = pytest.mark.django_db

PLAN = "jianghai-rcqq-2022"  # 2022—2024


def form_data(plan, **changes):
    values = {
        "measure": plan.measures.order_by("position").first().pk,
        "text": "在园区设立人才服务站。",
        "due_text": "每年下半年",
        "lead_1": Unit.objects.get(name="区人力资源和社会保障局", region=plan.region).pk,
        "co_1": Unit.objects.get(name="区卫生健康局", region=plan.region).pk,
    }
    values.update(changes)
    return values


def test_json_preview_lists_the_deadlines(client_as):
    plan = Plan.objects.get(code=PLAN)
    response = client_as("staff").get(reverse("plans:schedule_preview"), {"due_text": "每年下半年", "plan": plan.pk})
    body = response.json()
    # 每年下半年 in 2022—2024: 1 July to 31 December of each year.
    assert body["ok"] and body["kind"] == "每年"
    assert [(d["label"], d["start"], d["due"]) for d in body["deadlines"]] == [
        ("2022年下半年", "2022年7月1日", "2022年12月31日"),
        ("2023年下半年", "2023年7月1日", "2023年12月31日"),
        ("2024年下半年", "2024年7月1日", "2024年12月31日"),
    ]
    bad = client_as("staff").get(reverse("plans:schedule_preview"), {"due_text": "尽快", "plan": plan.pk}).json()
    assert bad == {"ok": False, "error": "无法识别的完成时间“尽快”"}


def test_no_js_preview_button_shows_the_deadlines_and_saves_nothing(client_as):
    plan = Plan.objects.get(code=PLAN)
    before = Milestone.objects.count()
    response = client_as("staff").post(
        reverse("plans:milestone_create", args=[PLAN]), form_data(plan, due_text="2023年底", preview="1")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2023年底：2022年1月1日 至 2023年12月31日" in page  # one-off: from the plan's first year
    assert Milestone.objects.count() == before


def test_invalid_form_is_400_in_chinese_and_writes_nothing(client_as):
    plan = Plan.objects.get(code=PLAN)
    before = Milestone.objects.count()
    response = client_as("staff").post(
        reverse("plans:milestone_create", args=[PLAN]), form_data(plan, due_text="下个月", text="x" * 2001)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "本次未保存任何内容" in page
    assert "无法识别的完成时间“下个月”" in page  # the preview shows why
    assert Milestone.objects.count() == before


def test_saved_node_plan_reaches_the_liaison(client_as, client, user_named):
    plan = Plan.objects.get(code=PLAN)
    response = client_as("staff").post(reverse("plans:milestone_create", args=[PLAN]), form_data(plan))
    milestone = Milestone.objects.get(text="在园区设立人才服务站。")
    assert response.status_code == 302 and response.url == milestone.get_absolute_url()
    client.force_login(user_named("liaison_hr"))
    assert "在园区设立人才服务站。" in client.get(reverse("plans:my_tasks")).content.decode()


def test_a_stale_edit_page_is_refused(client_as, user_named):
    plan = Plan.objects.get(code=PLAN)
    staff = user_named("staff")
    inputs = assignment.MilestoneInput(
        plan.measures.first(), "原文。", "每年6月", [Unit.objects.get(name="区卫生健康局", region=plan.region)], []
    )
    milestone = assignment.create_milestone(staff, plan, inputs)
    assignment.edit_milestone(staff, milestone, 1, inputs)  # someone saved first: version 2
    response = client_as("staff").post(
        reverse("plans:milestone_edit", args=[milestone.pk]), form_data(plan, text="旧页面。", version=1)
    )
    assert response.status_code == 400
    assert "该记录已被他人修改" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.text == "原文。" and milestone.version == 2


def test_adhoc_page_creates_the_container_once(client_as):
    plan = Plan.objects.get(code=PLAN)
    values = form_data(plan, due_text="2026年12月")
    del values["measure"]
    client = client_as("staff")
    for text in ("临时事项一", "临时事项二"):
        response = client.post(reverse("plans:adhoc_create"), values | {"text": text})
        assert response.status_code == 302
    container = Plan.objects.get(code=f"adhoc-{plan.region.pk}")
    assert list(container.milestones.values_list("text", flat=True)) == ["临时事项一", "临时事项二"]
