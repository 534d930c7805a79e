from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from identity import views as identity_views
from plans.views.probes import healthz, readyz
from talentplan.observability import metrics
from units import views as account_views

admin.site.site_header = "人才工作行动计划督办平台"
admin.site.site_title = "人才工作督办平台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("", include("plans.urls")),
    path("accounts/login/", identity_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", identity_views.logout, name="logout"),
    path("", include("identity.urls")),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/second-factor/", account_views.second_factor_view, name="second_factor"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
]
