from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("accounts/oidc/login/", views.OIDCLoginView.as_view(), name="oidc_login"),
    path("accounts/oidc/callback/", views.OIDCCallbackView.as_view(), name="oidc_callback"),
    path("accounts/sign-in-failed/", views.sign_in_failed, name="failed"),
    path("accounts/unmapped/", views.unmapped, name="unmapped"),
]
