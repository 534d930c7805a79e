from django.urls import path

from .views import actions, api, dashboard, plan, reminders, reviews, tasks

app_name = "plans"

urlpatterns = [
    path("", tasks.home, name="home"),
    path("tasks/", tasks.TaskListView.as_view(), name="task_list"),
    path("my/", tasks.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", tasks.milestone_detail, name="milestone"),
    path("tasks/<int:pk>/status/", actions.milestone_status, name="milestone_status"),
    path("tasks/<int:pk>/rag/", actions.milestone_rag, name="milestone_rag"),
    path("tasks/<int:pk>/report/", actions.report_create, name="report_create"),
    path("tasks/<int:pk>/extension/", actions.extension_create, name="extension_create"),
    path("tasks/<int:pk>/instruction/", actions.instruction_create, name="instruction_create"),
    path("reports/<int:pk>/resubmit/", actions.report_resubmit, name="report_resubmit"),
    path("reports/<int:pk>/review/", actions.report_review, name="report_review"),
    path("extensions/<int:pk>/review/", actions.extension_review, name="extension_review"),
    path("evidence/<int:pk>/", tasks.evidence_download, name="evidence_download"),
    path("reviews/", reviews.review_queue, name="review_queue"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("plans/import/", plan.import_plan, name="import"),
    path("plans/import/confirm/", plan.import_confirm, name="import_confirm"),
    path("plans/import/<str:token>/", plan.import_status, name="import_status"),
    path("plans/<slug:code>/", dashboard.plan_detail, name="plan"),
    path("plans/<slug:code>/worklist.xlsx", plan.worklist_download, name="worklist_download"),
    path("plans/<slug:code>/bulletin.docx", plan.bulletin_download, name="bulletin_download"),
    path("plans/<slug:code>/close-year/", plan.year_close, name="year_close"),
    path("plans/<slug:code>/archive/", plan.plan_archive, name="plan_archive"),
    path("plans/<slug:code>/restore/", plan.plan_restore, name="plan_restore"),
    path("plans/<slug:code>/delete/", plan.plan_delete, name="plan_delete"),
    path("reminders/", reminders.reminder_log, name="reminder_log"),
    path("reminders/<int:pk>/retry/", reminders.outbox_retry, name="outbox_retry"),
    path("reminders/<int:pk>/dismiss/", reminders.outbox_dismiss, name="outbox_dismiss"),
    path("reminders/<int:pk>/confirm/", reminders.outbox_confirm, name="outbox_confirm"),
    path("reminders/settings/<int:unit_pk>/", reminders.reminder_settings, name="reminder_settings"),
    path("notifications/", reminders.notifications, name="notifications"),
    path("notifications/read/", reminders.notifications_read, name="notifications_read"),
    path("api/tasks/", api.task_list_json, name="task_list_json"),
    path("api/tasks/<int:pk>/", api.task_detail_json, name="task_detail_json"),
]
