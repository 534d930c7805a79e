"""提醒记录 for staff (what was sent, to whom, failures with retry), each unit's reminder settings, and
each user's in-app notifications."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plans import access
from plans.choices import NotifyBy
from plans.forms import NotificationPreferenceForm, ReminderSettingsForm
from plans.models import NotificationPreference, OutboxStatus, ReminderSettings
from plans.notifications import outbox as outbox_service
from plans.notifications.channels import robot_of
from plans.notifications.daily_run import last_completed_run
from talentplan.lib.params import page_param
from talentplan.lib.recipients import mask_secret


def reminder_log(request):
    access.require_page(request.user, "manage_reminders")
    rows = access.outbox(request.user).select_related("unit", "user").order_by("-date", "-pk")
    status = request.GET.get("status", "")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    # Everything a person has to look at: failures, "可能已发送", stuck claims, and sends with a note
    # (addresses refused while the others were accepted).
    attention = (
        access.outbox(request.user)
        .filter(
            Q(status__in=[OutboxStatus.FAILED, OutboxStatus.UNKNOWN, OutboxStatus.SENDING])
            | (Q(status=OutboxStatus.SENT) & ~Q(last_error="") & ~Q(last_error="工作人员确认已送达"))
        )
        .select_related("unit", "user")
        .order_by("-date", "-pk")[:200]
    )
    page = Paginator(rows, 50).get_page(page_param(request.GET))
    for row in [*attention, *page]:
        row.shown_recipients = outbox_service.masked_recipients(row)
    robots = ReminderSettings.objects.select_related("unit").exclude(webhook_url="").order_by("unit__name")
    for config in robots:
        config.masked_url, config.masked_secret = (
            robot_of(config).masked_url(config.webhook_url),
            mask_secret(config.robot_secret),
        )
    return render(
        request,
        "plans/reminder_log.html",
        {
            "page": page,
            "failures": attention,
            "status": status,
            "statuses": OutboxStatus.choices,
            "robots": robots,
            "last_run": last_completed_run(),
        },
    )


def _row(request, pk):
    access.require_page(request.user, "manage_reminders")
    return get_object_or_404(access.outbox(request.user), pk=pk)


@require_POST
def outbox_retry(request, pk):
    outbox = _row(request, pk)
    if outbox.status not in outbox_service.RETRYABLE:
        messages.error(request, f"该提醒当前为“{outbox.get_status_display()}”，不能重试。")
    elif outbox_service.retry(outbox):
        messages.success(request, "已重新发送成功。")
    else:
        outbox.refresh_from_db()
        messages.error(request, f"重新发送仍未成功：{outbox.last_error}")
    return redirect("plans:reminder_log")


@require_POST
def outbox_dismiss(request, pk):
    if outbox_service.dismiss(_row(request, pk)):
        messages.success(request, "已忽略该提醒。")
    else:
        messages.error(request, "已发送的提醒不能忽略。")
    return redirect("plans:reminder_log")


@require_POST
def outbox_confirm(request, pk):
    if outbox_service.confirm_sent(_row(request, pk)):
        messages.success(request, "已确认送达。")
    else:
        messages.error(request, "只有“可能已发送”的提醒需要确认。")
    return redirect("plans:reminder_log")


def reminder_settings(request, unit_pk):
    """One unit's recipients and robot, with the same checks as the admin."""
    access.require_page(request.user, "manage_reminders")
    unit = get_object_or_404(access.units_acted_on(request.user), pk=unit_pk)
    config = ReminderSettings.objects.filter(unit=unit).first() or ReminderSettings(unit=unit)
    form = ReminderSettingsForm(
        request.POST if request.method == "POST" else None, instance=config, initial={"unit": unit.pk}
    )
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存{unit.name}的提醒设置。")
        return redirect("plans:reminder_log")
    return render(
        request,
        "plans/reminder_settings.html",
        {"form": form, "unit": unit, "masked_url": robot_of(config).masked_url(config.webhook_url)},
    )


def notifications(request):
    items = access.notifications(request.user)
    page = Paginator(items, 20).get_page(page_param(request.GET))
    return render(
        request, "plans/notifications.html", {"page": page, "unread": items.filter(read_at__isnull=True).count()}
    )


@require_POST
def notifications_read(request):
    access.notifications(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "已全部标记为已读。")
    return redirect("plans:notifications")


@require_POST
def notification_read(request, pk):
    """Mark one as read; with ?open=1 (the line's link) go on to the object it is about."""
    notification = get_object_or_404(access.notifications(request.user), pk=pk)
    access.notifications(request.user).filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    safe = url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()})
    if request.POST.get("open") and notification.link and safe:
        return redirect(notification.link)
    return redirect("plans:notifications")


def notification_settings(request):
    """Each person chooses how they hear about workflow events; everyone gets the in-app 通知."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    current = preference.notify_by if preference else NotifyBy.EMAIL
    form = NotificationPreferenceForm(request.POST or None, initial={"notify_by": current})
    if request.method == "POST" and form.is_valid():
        NotificationPreference.objects.update_or_create(
            user=request.user, defaults={"notify_by": form.cleaned_data["notify_by"]}
        )
        messages.success(request, "通知方式已保存。")
        return redirect("plans:notifications")
    return render(request, "plans/notification_settings.html", {"form": form}, status=400 if form.errors else 200)
