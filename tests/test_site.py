"""The portal serves its home page and an admin page for every model, in Chinese."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("staff-test", password="x-secret-123")
    client.force_login(user)
    return client


def test_home_requires_login(client):
    response = client.get(reverse("plans:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_home_lists_the_three_plans(staff_client):
    response = staff_client.get(reverse("plans:home"))
    body = response.content.decode()
    assert response.status_code == 200
    for plan in Plan.objects.all():
        assert plan.title in body and plan.document_number in body
    assert 'lang="zh-hans"' in body


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body and "密码" in body


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in {"units", "plans", "targets"}],
    ids=lambda m: m._meta.label,
)
def test_admin_changelist_search_and_filters_work_for_every_model(staff_client, model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, f"{model._meta.label} 未设置搜索字段"
    filterable = [
        f for f in model._meta.fields if f.is_relation or f.choices or f.get_internal_type() == "BooleanField"
    ]
    assert model_admin.list_filter or not filterable, f"{model._meta.label} 未设置筛选"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(url, {"q": "人才"})
    assert response.status_code == 200
    assert model._meta.verbose_name_plural in response.content.decode()
    obj = model.objects.first()
    if obj is not None:
        change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        assert staff_client.get(change).status_code == 200


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "talentplan.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "未设置 SECRET_KEY" in result.stderr


def test_settings_come_from_the_environment(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "k",
        "DJANGO_SETTINGS_MODULE": "talentplan.settings",
        "DATABASE_URL": "postgres://u:p@db.example:5433/tp",
        "CELERY_BROKER_URL": "redis://redis:6379/0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['HOST'], s.DATABASES['default']['PORT'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == [
        "db.example",
        "5433",
        "redis://redis:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_embedded_defaults_need_no_server():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "talentplan.settings"}
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL, "
        "s.EMAIL_BACKEND, s.EMAIL_FILE_PATH)"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    engine, name, broker, email, mail_dir = result.stdout.split()
    assert engine == "django.db.backends.sqlite3" and name.endswith("var/talentplan.sqlite3")
    assert broker == "filesystem://"
    assert email == "django.core.mail.backends.filebased.EmailBackend" and mail_dir.endswith("var/mail")


def test_no_template_links_to_a_cdn():
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
