from django.urls import path

from . import views, views_actions, views_dashboard, views_plan, views_reminders

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("my/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.milestone_detail, name="milestone"),
    path("tasks/<int:pk>/status/", views_actions.milestone_status, name="milestone_status"),
    path("tasks/<int:pk>/rag/", views_actions.milestone_rag, name="milestone_rag"),
    path("tasks/<int:pk>/report/", views_actions.report_create, name="report_create"),
    path("tasks/<int:pk>/extension/", views_actions.extension_create, name="extension_create"),
    path("tasks/<int:pk>/instruction/", views_actions.instruction_create, name="instruction_create"),
    path("reports/<int:pk>/resubmit/", views_actions.report_resubmit, name="report_resubmit"),
    path("reports/<int:pk>/review/", views_actions.report_review, name="report_review"),
    path("extensions/<int:pk>/review/", views_actions.extension_review, name="extension_review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("plans/import/", views_plan.import_plan, name="import"),
    path("plans/import/confirm/", views_plan.import_confirm, name="import_confirm"),
    path("plans/<slug:code>/", views_dashboard.plan_detail, name="plan"),
    path("plans/<slug:code>/worklist.xlsx", views_plan.worklist_download, name="worklist_download"),
    path("plans/<slug:code>/bulletin.docx", views_plan.bulletin_download, name="bulletin_download"),
    path("plans/<slug:code>/close-year/", views_plan.year_close, name="year_close"),
    path("plans/<slug:code>/archive/", views_plan.plan_archive, name="plan_archive"),
    path("plans/<slug:code>/restore/", views_plan.plan_restore, name="plan_restore"),
    path("plans/<slug:code>/delete/", views_plan.plan_delete, name="plan_delete"),
    path("reminders/", views_reminders.reminder_log, name="reminder_log"),
    path("reminders/<int:pk>/retry/", views_reminders.outbox_retry, name="outbox_retry"),
    path("reminders/<int:pk>/dismiss/", views_reminders.outbox_dismiss, name="outbox_dismiss"),
    path("notifications/", views_reminders.notifications, name="notifications"),
    path("notifications/read/", views_reminders.notifications_read, name="notifications_read"),
    path("api/tasks/", views.task_list_json, name="task_list_json"),
    path("api/tasks/<int:pk>/", views.task_detail_json, name="task_detail_json"),
]
