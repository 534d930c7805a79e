"""A 进展通报 from draft to issue: staff of the plan's region draft it (the narrative seeded from the period's
approved reports), edit its three sections, and issue it. Issuing gives it the next 文号 of its region and
year, renders the Word with that number, converts it to PDF, and stores both as issued: a later download is
those bytes, whatever has changed since. Views and the `bulletin` command call these functions; each checks
access itself (plans.access) and refuses bad input with a Chinese message, changing nothing."""

import io
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from plans import access
from plans.bulletin.document import build_bulletin
from plans.bulletin.figures import count_figures
from plans.bulletin.masthead import masthead_of
from plans.bulletin.narrative import SECTIONS, Narrative, seed_narrative
from plans.bulletin.pdf import ConversionError, docx_to_pdf
from plans.bulletin.periods import Period, period_named
from plans.models import Bulletin, BulletinState, Plan
from talentplan.lib.dates import cn_date

MAX_SECTION = 20_000  # characters in one narrative section
MAX_RECIPIENTS = 200
NUMBER_ATTEMPTS = 5  # two staff issuing at once: the later one takes the next number


def period_of(bulletin: Bulletin) -> Period:
    return period_named(bulletin.plan, bulletin.period_key)


def narrative_of(bulletin: Bulletin) -> Narrative:
    return Narrative(bulletin.work_done, bulletin.problems, bulletin.next_steps)


def create_draft(user, plan: Plan, period_key: str, today: date | None = None) -> Bulletin:
    access.require(user, "draft_bulletin", plan, "只有本地区的组织部工作人员可以起草进展通报。")
    period = period_named(plan, period_key)
    if period is None:
        span = f"{plan.start_year}—{plan.end_year}年"
        raise ValidationError(f"通报期间“{period_key or ''}”无效：请选择计划实施年度（{span}）内的年度、季度或月份。")
    today = today or timezone.localdate()
    if period.start > today:
        raise ValidationError(f"{period.label}尚未开始，不能起草通报。")
    as_of = period.cut_off(today)
    figures = count_figures(plan, period, as_of)
    seed = seed_narrative(plan, period, as_of, figures.nodes.behind)
    return Bulletin.objects.create(
        plan=plan,
        region=plan.region,
        period_key=period.key,
        recipients=masthead_of(plan.region).recipients,
        work_done=seed.work_done,
        problems=seed.problems,
        next_steps=seed.next_steps,
        created_by=user,
    )


def _version(value) -> int:
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        raise ValidationError("表单已过期，请刷新页面后重试。")
    return int(text)


@transaction.atomic
def save_narrative(user, bulletin: Bulletin, data: dict, version) -> Bulletin:
    """Staff's text for 主送 and the three sections; `version` is the one the form was opened with."""
    access.require(user, "edit", bulletin, "只有本地区的组织部工作人员可以修改未印发的通报。")
    version = _version(version)
    current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if current.is_issued:
        raise ValidationError("该通报已印发，不能再修改。")
    if current.version != version:
        raise ValidationError("该通报已被他人修改，请刷新页面查看最新内容后再编辑。")
    recipients = str(data.get("recipients", "")).strip()
    if not recipients:
        raise ValidationError("主送机关不能为空。")
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError(f"主送机关不能超过{MAX_RECIPIENTS}字。")
    texts = {}
    for field, label in SECTIONS:
        text = str(data.get(field, "")).replace("\r\n", "\n").strip()
        if len(text) > MAX_SECTION:
            raise ValidationError(f"“{label}”不能超过{MAX_SECTION}字。")
        texts[field] = text
    current.recipients = recipients
    for field, text in texts.items():
        setattr(current, field, text)
    current.version += 1
    current._change_reason = "修改通报正文"
    current.save()
    return current


def render(bulletin: Bulletin, today: date | None = None, number: str | None = None, issued_on=None) -> bytes:
    """The Word as it would be issued now (a draft's preview has no number and no date)."""
    period = period_of(bulletin)
    today = today or timezone.localdate()
    options = {"number": number} if number else {}
    document = build_bulletin(
        bulletin.plan,
        period,
        today,
        narrative=narrative_of(bulletin),
        recipients=bulletin.recipients,
        issued_on=issued_on,
        **options,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _next_serial(region_id: int, year: int) -> int:
    issued = Bulletin.objects.filter(region_id=region_id, issue_year=year, serial__isnull=False)
    return (issued.aggregate(Max("serial"))["serial__max"] or 0) + 1


def issue(user, bulletin: Bulletin, version, today: date | None = None) -> Bulletin:
    """Number, render, convert and store. The Word and the PDF are made outside the transaction (a conversion
    takes seconds); the number is then taken under the database's unique constraint, and if another issue
    took it meanwhile, the next one is rendered and tried again. Nothing is stored unless all of it is."""
    access.require(user, "issue", bulletin, "只有本地区的组织部工作人员可以印发通报。")
    version = _version(version)
    today = today or timezone.localdate()
    for field, label in SECTIONS:
        if not getattr(bulletin, field).strip():
            raise ValidationError(f"“{label}”尚未填写，不能印发。")
    if bulletin.version != version:
        raise ValidationError("该通报已被他人修改，请刷新页面查看最新内容后再印发。")
    masthead = masthead_of(bulletin.region)
    period = period_of(bulletin)
    for _attempt in range(NUMBER_ATTEMPTS):
        serial = _next_serial(bulletin.region_id, today.year)
        number = masthead.number(today.year, serial)
        docx = render(bulletin, today, number, issued_on=today)
        try:
            pdf = docx_to_pdf(docx)
        except ConversionError as error:
            raise ValidationError(str(error)) from error
        try:
            with transaction.atomic():
                current = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
                if current.is_issued:
                    raise ValidationError(f"该通报已于{cn_date(current.issued_on)}印发（{current.document_number}）。")
                if current.version != version:
                    raise ValidationError("该通报已被他人修改，请刷新页面查看最新内容后再印发。")
                current.state = BulletinState.ISSUED
                current.issue_year, current.serial, current.document_number = today.year, serial, number
                current.issued_on, current.cut_off = today, period.cut_off(today)
                current.issued_at, current.issued_by = timezone.now(), user
                current.docx, current.pdf = docx, pdf
                current.version += 1
                current._change_reason = f"印发（{number}）"
                current.save()
                return current
        except IntegrityError:
            continue  # the number went to a bulletin issued at the same moment: take the next
    raise ValidationError("印发的人较多，未能取得文号，请稍后再试。")
