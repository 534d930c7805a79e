"""提醒记录 for staff (what was sent, to whom, failures with retry) and each user's in-app notifications."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import access
from ..choices import NotifyBy
from ..forms import NotificationPreferenceForm
from ..models import NotificationPreference, OutboxStatus
from ..reminders import outbox as outbox_service


def reminder_log(request):
    access.require_page(request.user, "manage_reminders")
    rows = access.outbox(request.user).select_related("unit", "user").order_by("-date", "-pk")
    status = request.GET.get("status", "")
    if status in OutboxStatus.values:
        rows = rows.filter(status=status)
    failures = (
        access.outbox(request.user).filter(status=OutboxStatus.FAILED).select_related("unit", "user").order_by("-date")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/reminder_log.html",
        {"page": page, "failures": failures, "status": status, "statuses": OutboxStatus.choices},
    )


@require_POST
def outbox_retry(request, pk):
    outbox = get_object_or_404(access.outbox(request.user), pk=pk, status=OutboxStatus.FAILED)
    if outbox_service.retry(outbox):
        messages.success(request, "已重新发送成功。")
    else:
        outbox.refresh_from_db()
        messages.error(request, f"重新发送仍未成功：{outbox.last_error}")
    return redirect("plans:reminder_log")


@require_POST
def outbox_dismiss(request, pk):
    outbox_service.dismiss(get_object_or_404(access.outbox(request.user), pk=pk, status=OutboxStatus.FAILED))
    messages.success(request, "已忽略该失败记录。")
    return redirect("plans:reminder_log")


def notifications(request):
    items = access.notifications(request.user)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
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
