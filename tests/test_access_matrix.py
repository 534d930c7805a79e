"""Every URL, for every role: a liaison of one unit gets 404 on another unit's task, report, file and
export; leaders change nothing. The matrix is built from the URL configuration, so a new URL with no
rule here fails test_every_url_has_a_rule."""

import io
import uuid
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plans.loading import import_jobs
from plans.loading.excel_import import PlanHeader
from plans.models import (
    Bulletin,
    BulletinState,
    Chase,
    Evidence,
    ExtensionRequest,
    Instruction,
    InstructionReply,
    Milestone,
    Notification,
    Outbox,
    PlanYearClosure,
    ProgressReport,
    SupervisionNotice,
    SupervisionReply,
)
from plans.supervision import service as supervision
from plans.workflow import indicator_entries, instructions, reporting
from targets.models import Indicator, IndicatorEntry
from tests.helpers import every_api_task, milestone_led_by, pdf_upload, submit

pytestmark = pytest.mark.django_db

OK = "ok"  # served (200), redirected after an action (302) or a form error (400): anything but refused
ROLES = ["anonymous", "staff", "leader", "liaison_hr", "liaison_health", "unmapped"]

# Plan-wide pages show every unit's work: staff and leaders only.
OVERVIEW = {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": 404, "liaison_health": 404}
STAFF_ONLY = {"anonymous": "login", "staff": OK, "leader": 404, "liaison_hr": 404, "liaison_health": 404}
SIGNED_IN = {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK}
# A denial is 404 for what lies outside the user's scope, 403 for a role that sees it but may not act:
# 区人社局's liaison never sees 区卫生健康局's objects; its own liaison sees them but only staff decide.
STAFF_ACTION = {"anonymous": "login", "staff": OK, "leader": 403, "liaison_hr": 404, "liaison_health": 403}
STAFF_ACTION_ON_PLAN = {"anonymous": "login", "staff": OK, "leader": 403, "liaison_hr": 404, "liaison_health": 404}
# A notification belongs to one person (区卫生健康局's liaison here): anyone else is told it does not exist.
OWNER_ONLY = {"anonymous": "login", "staff": 404, "leader": 404, "liaison_hr": 404, "liaison_health": OK}
HEALTH_VISIBLE = {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": 404, "liaison_health": OK}

# url name -> (method, object it needs, expected per role). The objects all belong to 区卫生健康局.
RULES = {
    "login": ("GET", None, dict.fromkeys(ROLES, OK)),
    "logout": ("POST", None, dict.fromkeys(ROLES, OK)),
    "password_change": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK},
    ),
    # Without a pending second factor (OTP_REQUIRED_FOR_STAFF off, or already verified) it sends home.
    "second_factor": ("GET", None, SIGNED_IN),
    "password_change_done": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK},
    ),
    "plans:home": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK},
    ),
    "plans:task_list": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK},
    ),
    "plans:my_tasks": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK},
    ),
    "plans:review_queue": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": 404, "liaison_hr": 404, "liaison_health": 404},
    ),
    "plans:task_list_json": (
        "GET",
        None,
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": OK, "liaison_health": OK},
    ),
    "plans:milestone": (
        "GET",
        "milestone",
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:task_detail_json": (
        "GET",
        "milestone",
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:evidence_download": (
        "GET",
        "evidence",
        {"anonymous": "login", "staff": OK, "leader": OK, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:milestone_status": (
        "POST",
        "milestone",
        STAFF_ACTION,
    ),
    "plans:milestone_rag": (
        "POST",
        "milestone",
        STAFF_ACTION,
    ),
    "plans:report_create": (
        "POST",
        "milestone",
        {"anonymous": "login", "staff": 403, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:extension_create": (
        "POST",
        "milestone",
        {"anonymous": "login", "staff": 403, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:instruction_create": (
        "POST",
        "milestone",
        {"anonymous": "login", "staff": 403, "leader": OK, "liaison_hr": 404, "liaison_health": 403},
    ),
    "plans:report_resubmit": (
        "POST",
        "report",
        {"anonymous": "login", "staff": 403, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:report_review": (
        "POST",
        "report",
        STAFF_ACTION,
    ),
    "plans:extension_review": (
        "POST",
        "extension",
        STAFF_ACTION,
    ),
    "plans:dashboard": ("GET", None, OVERVIEW),
    "plans:plan": ("GET", "plan", OVERVIEW),
    "plans:worklist_download": ("GET", "plan", OVERVIEW),
    "plans:bulletin_download": ("GET", "plan", OVERVIEW),
    "plans:year_close": ("POST", "plan", STAFF_ACTION_ON_PLAN),
    "plans:plan_archive": ("GET", "plan", STAFF_ACTION_ON_PLAN),
    "plans:plan_restore": ("POST", "plan", STAFF_ACTION_ON_PLAN),
    "plans:plan_delete": ("GET", "plan", STAFF_ACTION_ON_PLAN),
    "plans:import": ("GET", None, STAFF_ONLY),
    "plans:plan_create": ("GET", None, STAFF_ONLY),
    "plans:adhoc_create": ("GET", None, STAFF_ONLY),
    "plans:schedule_preview": ("GET", None, STAFF_ONLY),
    "plans:milestone_create": ("GET", "plan", STAFF_ACTION_ON_PLAN),
    "plans:measure_create": ("GET", "plan", STAFF_ACTION_ON_PLAN),
    "plans:plan_edit": ("GET", "plan", STAFF_ACTION_ON_PLAN),
    "plans:measure_edit": ("GET", "measure", STAFF_ACTION_ON_PLAN),
    "plans:milestone_edit": ("GET", "milestone", STAFF_ACTION),
    "plans:import_confirm": ("POST", None, STAFF_ONLY),
    "plans:import_status": ("GET", "import_job", STAFF_ONLY),
    "plans:indicator": ("GET", "indicator", HEALTH_VISIBLE),
    "plans:entry_create": (
        "POST",
        "indicator",
        {"anonymous": "login", "staff": OK, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:entry_review": ("POST", "entry", STAFF_ACTION),
    "plans:reminder_log": ("GET", None, STAFF_ONLY),
    "plans:data_health": ("GET", None, STAFF_ONLY),
    "plans:outbox_retry": ("POST", "outbox", STAFF_ONLY),
    "plans:outbox_dismiss": ("POST", "outbox", STAFF_ONLY),
    "plans:outbox_confirm": ("POST", "outbox", STAFF_ONLY),
    "plans:reminder_settings": ("GET", "unit", STAFF_ONLY),
    "healthz": ("GET", None, dict.fromkeys(ROLES, OK)),  # for the load balancer: no login, no secrets
    "readyz": ("GET", None, dict.fromkeys(ROLES, OK)),  # the same; its failures are tests/test_operations.py's
    "metrics": ("GET", None, dict.fromkeys(ROLES, OK)),  # by address, not role: the client is 127.0.0.1
    "plans:notifications": ("GET", None, SIGNED_IN),
    "plans:notifications_read": ("POST", None, SIGNED_IN),
    "plans:entry_evidence": ("GET", "entry", HEALTH_VISIBLE),
    "plans:notification_read": ("POST", "notification", OWNER_ONLY),
    "plans:notification_settings": ("GET", None, SIGNED_IN),
    # 批示 loop: addressed to 区卫生健康局 (the lead unit); only its liaison replies, only staff 办结.
    "plans:instruction_list": ("GET", None, SIGNED_IN),  # each sees only their own 批示 (test_instruction_list)
    "plans:instruction": ("GET", "instruction", HEALTH_VISIBLE),
    "plans:instruction_file": ("GET", "instruction_file", HEALTH_VISIBLE),
    "plans:instruction_reply": (
        "POST",
        "instruction",
        {"anonymous": "login", "staff": 403, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:instruction_decide": ("POST", "instruction", STAFF_ACTION),
    # 催办: staff only; the league table's unit row and the list behind 催办次数.
    "plans:milestone_chase": ("POST", "milestone", STAFF_ACTION),
    "plans:unit_chase": ("POST", "unit", STAFF_ONLY),
    "plans:chase_list": ("GET", None, OVERVIEW),
    # 进展通报: staff of the region draft, edit and issue; leaders read the issued ones; liaisons never.
    "plans:bulletin_list": ("GET", None, OVERVIEW),
    "plans:bulletin_create": ("POST", "plan", STAFF_ACTION_ON_PLAN),
    "plans:bulletin": ("GET", "bulletin", OVERVIEW),
    "plans:bulletin_docx": ("GET", "bulletin", OVERVIEW),
    "plans:bulletin_pdf": ("GET", "bulletin", OVERVIEW),
    "plans:bulletin_edit": ("POST", "bulletin_draft", STAFF_ONLY),  # a draft: not even seen by a leader
    "plans:bulletin_issue": ("POST", "bulletin_draft", STAFF_ONLY),
    # 督办单 to 区卫生健康局 (signed and answered): its liaison signs and answers, staff of the region decide.
    "plans:supervision_list": ("GET", None, SIGNED_IN),  # each sees only their own (test_supervision_pages)
    "plans:supervision_list_xlsx": ("GET", None, SIGNED_IN),
    "plans:supervision_issue": ("GET", None, STAFF_ONLY),
    "plans:supervision": ("GET", "supervision", HEALTH_VISIBLE),
    "plans:supervision_docx": ("GET", "supervision", HEALTH_VISIBLE),
    "plans:supervision_file": ("GET", "supervision_file", HEALTH_VISIBLE),
    "plans:supervision_sign": (
        "POST",
        "supervision",
        {"anonymous": "login", "staff": 403, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:supervision_reply": (
        "POST",
        "supervision",
        {"anonymous": "login", "staff": 403, "leader": 403, "liaison_hr": 404, "liaison_health": OK},
    ),
    "plans:supervision_decide": ("POST", "supervision", STAFF_ACTION),
    # Directory sign-in (identity/). The suite runs with no provider configured: its two pages say so (404).
    "identity:oidc_login": ("GET", None, dict.fromkeys(ROLES, 404)),
    "identity:oidc_callback": ("GET", None, dict.fromkeys(ROLES, 404)),
    "identity:failed": ("GET", None, dict.fromkeys(ROLES, OK)),
    "identity:unmapped": ("GET", None, SIGNED_IN),  # a person with a role is sent on to the home page
}

# A signed-in person with no role (a directory account no mapping covers) opens these and nothing else: every
# other URL answers 403 with the page that says whom to ask (identity/middleware.py).
UNMAPPED_MAY = {"login", "logout", "healthz", "identity:unmapped", "identity:failed", "identity:oidc_callback"}


def expected_for(name: str, role: str):
    expected = RULES[name][2]
    if role == "unmapped":
        return expected.get("anonymous") if name == "identity:oidc_callback" else OK if name in UNMAPPED_MAY else 403
    return expected[role]


# Leaders change nothing but their own 批示 and the read state of their own 通知 (opening a 批示 reads its lines).
LEADERS_MAY = {
    "plans:instruction_create",
    "plans:notifications_read",
    "plans:notification_read",
    "plans:instruction",
    "plans:supervision",
}


def project_url_names(patterns=None, namespace=""):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin checks its own permissions (is_staff and model permissions)
            names |= project_url_names(
                pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_has_a_rule():
    assert project_url_names() == set(RULES)


@pytest.fixture
def health_objects(user_named):
    """A node plan only 区卫生健康局 answers for, with a report, a file and an extension request."""
    milestone = milestone_led_by("区卫生健康局")
    assert not milestone.assignments.filter(unit__name="区人力资源和社会保障局").exists()
    health = user_named("liaison_health")
    report = submit(health, milestone, files=[(pdf_upload(), "pdf")])
    occurrence = milestone.occurrences.filter(is_deadline=True).first()
    extension = reporting.request_extension(
        health, milestone, occurrence, occurrence.due_date.replace(year=2030), "人员调整", beyond_plan_confirmed=True
    )
    indicator = Indicator.objects.filter(plan=milestone.plan).first()
    indicator.unit = milestone.assignments.get().unit
    indicator.save()
    entry = indicator_entries.submit_entry(health, indicator, 2022, "increment", 3, "统计年报", pdf_upload())
    instruction = instructions.give_instruction(user_named("leader"), milestone, "请加快推进。")
    answer = instructions.reply(health, instruction, "已部署。", [(pdf_upload(), "pdf")])
    notice, receipt = answered_supervision(user_named("staff"), health, milestone)
    return {
        "supervision": notice,
        "supervision_file": receipt.files.get(),
        "instruction": instruction,
        "instruction_file": answer.files.get(),
        "notification": Notification.objects.filter(user=health).first(),
        "unit": milestone.assignments.get().unit,
        "import_job": queued_import_job(user_named("staff")),
        "milestone": milestone,
        "report": report,
        "evidence": report.evidence.get(),
        "extension": extension,
        "plan": milestone.plan,
        "measure": milestone.measure,
        "indicator": indicator,
        "entry": entry,
        "outbox": Outbox.objects.create(
            recipient_key=f"unit:{indicator.unit_id}",
            unit=indicator.unit,
            channel="email",
            date="2024-01-02",
            kind="unit_digest",
            subject="提醒",
            body_text="…",
            status="failed",
            permanent_error=True,
            last_error="没有收件邮箱",
        ),
    } | bulletins_of(milestone.plan, user_named("staff"))


def bulletins_of(plan, author) -> dict:
    """A draft and an issued 进展通报 of the plan. Made as rows, not through plans.bulletin.issue: issuing
    converts to PDF with LibreOffice (seconds), and this fixture is made for every case of the matrix; the
    issued files are placeholders (tests/test_bulletin_issue.py issues real ones)."""
    common = {"plan": plan, "region": plan.region, "period_key": str(plan.start_year), "created_by": author}
    draft = Bulletin.objects.create(**common, recipients="各成员单位", work_done="草稿")
    issued = Bulletin.objects.create(
        **common,
        recipients="各成员单位",
        work_done="已开展",
        problems="无",
        next_steps="继续",
        state=BulletinState.ISSUED,
        issue_year=2026,
        serial=1,
        document_number="测试人才办〔2026〕1号",
        issued_on=date(2026, 1, 5),
        cut_off=date(plan.start_year, 12, 31),
        issued_by=author,
        docx=b"PK-issued-docx",
        pdf=b"%PDF-issued",
    )
    return {"bulletin": issued, "bulletin_draft": draft}


def answered_supervision(staff, liaison, milestone):
    """A 督办单 to the node plan's lead unit, signed and answered with a file (waiting for staff's decision)."""
    [notice] = supervision.issue(staff, [milestone], supervision.IssueInput("请加快推进。", date(2099, 1, 1)))
    supervision.sign(liaison, notice)
    receipt = supervision.reply(liaison, notice, "已部署。", "每周调度。", [(pdf_upload(), "pdf")])
    return notice, receipt


def queued_import_job(user):
    """A confirmed import of staff's, waiting for the task (its page is staff's own)."""
    token = uuid.uuid4().hex
    header = PlanHeader("queued", "排队的计划", "jianghai", 2022, 2024, date(2022, 3, 1))
    import_jobs.save_preview(token, "排队.xlsx", header, user.pk, 1, True)
    import_jobs.mark(token, import_jobs.QUEUED)
    return SimpleNamespace(pk=token)


def _state():
    return (
        ProgressReport.objects.count(),
        Evidence.objects.count(),
        ExtensionRequest.objects.count(),
        Instruction.objects.count(),
        IndicatorEntry.objects.count(),
        PlanYearClosure.objects.count(),
        Chase.objects.count(),
        InstructionReply.objects.count(),
        SupervisionReply.objects.count(),
        list(SupervisionNotice.objects.order_by("pk").values_list("state", "version")),
        list(Instruction.objects.order_by("pk").values_list("state", "version")),
        list(Notification.objects.order_by("pk").values_list("read_at", flat=True)),
        list(Outbox.objects.order_by("pk").values_list("status", "attempts")),
        list(IndicatorEntry.objects.order_by("pk").values_list("state", "version")),
        list(Milestone.objects.order_by("pk").values_list("status", "rag_override", "version")),
        list(ProgressReport.objects.order_by("pk").values_list("state", "version")),
        list(Bulletin.objects.order_by("pk").values_list("state", "version", "document_number")),
    )


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("role", ROLES)
def test_role_by_url(name, role, client, user_named, health_objects, django_user_model):
    method, needs, expected = RULES[name]
    obj = health_objects[needs] if needs else None
    args = [obj.code if needs == "plan" else obj.pk] if needs else []
    url = reverse(name, args=args)
    if role == "unmapped":
        client.force_login(django_user_model.objects.create_user("unmapped", first_name="未映射"))
    elif role != "anonymous":
        client.force_login(user_named(role))
    before = _state()
    response = client.post(url, {}) if method == "POST" else client.get(url)
    outcome = expected_for(name, role)
    if outcome == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif outcome == OK:
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == outcome
    if role == "unmapped" and outcome == 403:
        assert "尚未开通本平台的权限" in response.content.decode()  # whom to ask, and nothing else
    if outcome in (403, 404, "login") or role == "leader" and name not in LEADERS_MAY:
        assert _state() == before  # refused requests change nothing; leaders change nothing


def test_other_units_tasks_never_appear_in_lists_exports_or_json(client_as, health_objects):
    milestone = health_objects["milestone"]
    client = client_as("liaison_hr")
    assert f"/instructions/{health_objects['instruction'].pk}/" not in client.get("/my/").content.decode()
    assert f"/tasks/{milestone.pk}/" not in client.get("/tasks/?per_page=500").content.decode()
    assert f"/tasks/{milestone.pk}/" not in client.get("/my/").content.decode()
    ids = {task["id"] for task in every_api_task(client)}
    assert ids and milestone.pk not in ids
    export = client.get("/tasks/?_export=xlsx")
    cells = exported_texts(export)
    assert cells and milestone.text not in cells


def exported_texts(response) -> set[str]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell}


# --- The region axis -----------------------------------------------------------------------------------
# Every URL × every region-bound role × objects of the user's own region or of another region. What a role
# may do in its own region is the table above; outside it, every object is not found (404) and the site
# pages answer as in the user's own region (they list only that region's rows: see tests/test_regions.py).
# name -> (what the user is in 江海区, what they are in 南平市); "outside" = an overseer of another region.
OUTSIDE = "outside"
REGION_ROLES = {
    "superuser": ("staff", "staff"),  # 系统管理员: staff in every region
    "staff_jh": ("staff", OUTSIDE),
    "leader_jh": ("leader", OUTSIDE),
    "staff_np": (OUTSIDE, "staff"),
    "leader_np": (OUTSIDE, "leader"),
    "supervisor": ("leader", OUTSIDE),  # a leader of 江门市: reads its child 江海区, comments, nothing else
    "inspector": ("inspector", OUTSIDE),  # staff of 江门市: in 江海区 only reads and comments (督查员)
    "liaison_health": ("liaison_health", "liaison_hr"),  # 区卫健局: the 江海 objects are its unit's
    "liaison_np": ("liaison_hr", "liaison_health"),  # 市人社局: the 南平 objects are its unit's
}
REGION_OF_ROLE = {"staff_jh": 0, "leader_jh": 0, "staff_np": 1, "leader_np": 1, "supervisor": 0, "inspector": 0}
STAFF_SITE_PAGES = {
    "plans:review_queue",
    "plans:import",
    "plans:import_confirm",
    "plans:reminder_log",
    "plans:data_health",
    "plans:plan_create",  # 交办 a new plan: into a region where the user manages (江门市 for the 督查员)
    "plans:adhoc_create",  # an ad-hoc 督办事项: likewise, in a region the user manages
    "plans:schedule_preview",  # the 交办 form's deadline preview reads no region's data
    "plans:supervision_issue",  # the 督办单 form: node plans are found in the regions the user manages
}
REGIONS = ["jianghai", "nanping"]


def expected_in_region(name: str, role: str, region: str):
    method, needs, expected = RULES[name]
    as_what = REGION_ROLES[role][REGIONS.index(region)]
    if needs == "import_job":
        return 404  # an import in progress is its starter's own ("staff", in their session), in no region
    if as_what == OUTSIDE:
        if needs:
            return 404  # another region's object is never found
        home = REGION_ROLES[role][REGION_OF_ROLE[role]]  # a site page answers as at home
        return expected["staff" if home == "inspector" else home]
    if as_what == "inspector":
        # A 督查员 who is staff: reads and comments like a leader; the staff pages of their own region (江门市)
        # open, but a 江海 reminder record is not theirs (404).
        return OK if name in STAFF_SITE_PAGES else expected["leader"]
    return expected[as_what]


@pytest.fixture
def inspector(django_user_model):
    from units.accounts import create_user

    return create_user("inspector", "staff", password="test-pass-123", regions=["jiangmen"])


@pytest.fixture
def nanping_objects(user_named):
    """A node plan 南平市人社局 leads, with a report, a file, an extension request, an indicator entry."""
    milestone = milestone_led_by("市人社局", plan_code="nanping-cjwy-2021")
    liaison = user_named("liaison_np")
    report = submit(liaison, milestone, files=[(pdf_upload(), "pdf")])
    occurrence = milestone.occurrences.filter(is_deadline=True).first()
    extension = reporting.request_extension(
        liaison, milestone, occurrence, occurrence.due_date.replace(year=2030), "人员调整", beyond_plan_confirmed=True
    )
    indicator = Indicator.objects.filter(plan=milestone.plan).first()
    indicator.unit = milestone.assignments.get(unit__name="市人社局").unit
    indicator.save()
    entry = indicator_entries.submit_entry(liaison, indicator, 2022, "increment", 3, "统计年报", pdf_upload())
    instruction = instructions.give_instruction(user_named("leader"), milestone, "请加快推进。")
    answer = instructions.reply(liaison, instruction, "已部署。", [(pdf_upload(), "pdf")])
    objects = _objects(milestone, report, extension, indicator, entry, queued_import_job(user_named("staff")))
    notice, receipt = answered_supervision(user_named("staff"), liaison, milestone)
    objects |= {
        "supervision": notice,
        "supervision_file": receipt.files.get(),
        "instruction": instruction,
        "instruction_file": answer.files.get(),
        "notification": Notification.objects.filter(user=liaison).first(),  # the 批示 addressed to 市人社局
        "unit": indicator.unit,
    }
    return objects | bulletins_of(milestone.plan, user_named("staff_np"))


def _objects(milestone, report, extension, indicator, entry, import_job):
    return {
        "import_job": import_job,
        "milestone": milestone,
        "measure": milestone.measure,
        "report": report,
        "evidence": report.evidence.get(),
        "extension": extension,
        "plan": milestone.plan,
        "indicator": indicator,
        "entry": entry,
        "outbox": Outbox.objects.create(
            recipient_key=f"unit:{indicator.unit_id}",
            unit=indicator.unit,
            channel="email",
            date="2024-01-02",
            kind="unit_digest",
            subject="提醒",
            body_text="…",
            status="failed",
            permanent_error=True,
            last_error="没有收件邮箱",
        ),
    }


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("role", sorted(REGION_ROLES))
def test_role_by_url_by_region(name, role, region, client, user_named, request):
    method, needs, _expected = RULES[name]
    objects = request.getfixturevalue("health_objects" if region == "jianghai" else "nanping_objects")
    user = request.getfixturevalue("inspector") if role == "inspector" else user_named(role)
    obj = objects[needs] if needs else None
    assert objects["plan"].region.code == region
    url = reverse(name, args=[obj.code if needs == "plan" else obj.pk] if needs else [])
    client.force_login(user)
    before = _state()
    response = client.post(url, {}) if method == "POST" else client.get(url)
    outcome = expected_in_region(name, role, region)
    if outcome == OK:
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == outcome
    # Opening a 批示 marks the reader's own 通知 about it read, as does 全部已读: the reader's own record.
    opens = name in ("plans:instruction", "plans:supervision")
    acts = outcome == OK and (method == "POST" or opens) and name != "logout"
    if not acts:
        assert _state() == before  # refused requests, and everything a reader does, change nothing
