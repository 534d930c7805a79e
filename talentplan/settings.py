"""Settings for talentplan. Everything that differs between machines comes from the environment."""

import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from talentplan.envutil import env_bool, env_float, env_int, env_list, env_str, proxy_ssl_header
from talentplan.runtime_dirs import create_runtime_dirs, sqlite_dir

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TALENTPLAN_VAR_DIR", str(BASE_DIR / "var")))
SEEDS_DIR = Path(env_str("TALENTPLAN_SEEDS_DIR", str(BASE_DIR.parent / "shared" / "seeds")))
FIXTURES_DIR = BASE_DIR / "fixtures"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("未设置 SECRET_KEY：生产环境必须通过环境变量提供（开发时可设 DEBUG=1）。")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "simple_history",
    "audit",
    "units",
    "plans",
    "targets",
]

# A change reason quotes what a person typed (an extension reason, a status note): a text column, so a long
# reason is never refused by the history table after the form accepted it.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",  # every view needs a login unless marked
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.context.AuditRequestMiddleware",  # who acts, for the audit log's signal receivers
]

ROOT_URLCONF = "talentplan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.reminder_banner",
                "plans.context_processors.nav_counts",
            ],
        },
    },
]

WSGI_APPLICATION = "talentplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'talentplan.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Pages run short queries; PostgreSQL's JIT compiles any query its estimate calls costly (the dashboard's
    # grouped counts at 100k node plans) and spent more time compiling than running them (issue 13).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a concurrent writer (the worker) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# 等保 level 2: PASSWORD_MIN_LENGTH characters from PASSWORD_MIN_CLASSES of the four classes (units/passwords.py).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "units.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },  # Chinese message
    {"NAME": "units.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The Docker image collects static files outside var/ (a volume), so a new image never serves old ones.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Evidence files live outside the web root and are only served through a scoped view.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:home"
LOGOUT_REDIRECT_URL = "login"

# E-mail: files under var/mail/ by default, so a user can read what was sent.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "人才工作督办平台 <noreply@talentplan.local>")
# The domain after "@" in our Message-IDs; empty: the host of SITE_URL (plans/notifications/channels/email.py).
MAIL_MESSAGE_ID_DOMAIN = env_str("MAIL_MESSAGE_ID_DOMAIN")

# Celery: Redis in production; with no broker configured, kombu's filesystem transport
# under var/celery/ so the embedded default needs no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or "filesystem://"
CELERY_DIR = VAR_DIR / "celery"
_broker_dirs = []
if CELERY_BROKER_URL == "filesystem://":
    # The exchange table is runtime state too: kombu's default puts it in ./control of the working directory.
    _broker_dirs = [CELERY_DIR / "queue", CELERY_DIR / "processed", CELERY_DIR / "control"]
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dirs[0]),
        "data_folder_out": str(_broker_dirs[0]),
        "processed_folder": str(_broker_dirs[1]),
        "store_processed": False,
        "control_folder": str(_broker_dirs[2]),
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False  # the filesystem transport has no fanout exchange
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DIR / "beat-schedule")
REMINDER_HOUR = env_int("REMINDER_HOUR", 8)
REMINDER_MINUTE = env_int("REMINDER_MINUTE", 30)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Reminders (plans/notifications/due.py): days before a deadline, weekly while overdue, escalation after N days.
REMINDER_OFFSETS = [int(d) for d in env_list("REMINDER_OFFSETS", ["30", "7", "1"])]
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 7)
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 14)
REMINDER_ONGOING_NOTICE_DAYS = env_int("REMINDER_ONGOING_NOTICE_DAYS", 7)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60)
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 6)
REMINDER_WEBHOOK_TIMEOUT = env_float("REMINDER_WEBHOOK_TIMEOUT", 10)
REMINDER_EMAIL_MAX_ITEMS = env_int("REMINDER_EMAIL_MAX_ITEMS", 200)  # then "另有 N 项" and a link
REMINDER_CATCH_UP_DAYS = env_int("REMINDER_CATCH_UP_DAYS", 7)  # a missed day is made good this long after
REMINDER_STALE_CLAIM_SECONDS = env_int("REMINDER_STALE_CLAIM_SECONDS", 600)  # a "sending" row older is released
# Workflow notifications (plans/notifications/sending.py) go through Celery; with no worker, in-process.
NOTIFY_SEND_INLINE = env_bool("NOTIFY_SEND_INLINE", False)
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "plans.tasks.send_daily_reminders",
        "schedule": crontab(hour=REMINDER_HOUR, minute=REMINDER_MINUTE),
        # No expiry: the run is idempotent and covers every day since the last completed one. If the broker
        # was down at this time, deliver_outbox (every 5 minutes) starts the day's run once it is back.
    },
    "retry-reminders": {
        "task": "plans.tasks.deliver_outbox",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 240},
    },
    "expire-import-previews": {
        "task": "plans.tasks.expire_import_previews",
        "schedule": crontab(minute=17),
        "options": {"expires": 3000},
    },
    # The dashboard's stored figures for the new day (dashboard.stored_counts), before anyone opens it; a missed run
    # only means the first reader of the day waits for the count.
    "recount-dashboard-figures": {
        "task": "plans.tasks.recount_dashboard_figures",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 6 * 3600},
    },
}
# The security audit log (audit/): kept AUDIT_RETENTION_DAYS (at least 180, 网络安全法 §21), pruned nightly.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"AUDIT_RETENTION_DAYS 不能少于 180 天（网络安全法第二十一条），当前为 {AUDIT_RETENTION_DAYS}。"
    )
CELERY_BEAT_SCHEDULE["prune-audit-log"] = {
    "task": "audit.tasks.prune_audit_log",
    "schedule": crontab(hour=3, minute=40),
    "options": {"expires": 6 * 3600},
}
# A confirmed import is written by a Celery task (plans.tasks.run_import); previews nobody confirms are
# deleted after IMPORT_PREVIEW_TTL_SECONDS (hourly, and whenever one is opened).
IMPORT_IN_BACKGROUND = env_bool("IMPORT_IN_BACKGROUND", True)
IMPORT_PREVIEW_TTL_SECONDS = env_int("IMPORT_PREVIEW_TTL_SECONDS", 2 * 3600)

# ---- Accounts and production security (README "安全 / Security") ----------------------------------------
# Login throttle (django-axes, units/throttle.py). Failures count over the last LOGIN_LOCKOUT_MINUTES; reaching
# any limit locks that login for LOGIN_LOCKOUT_MINUTES, the right password included.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)  # one username from one address
LOGIN_FAILURE_LIMIT_PER_USERNAME = env_int("LOGIN_FAILURE_LIMIT_PER_USERNAME", 20)  # from any address; 0 = off
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 100)  # any username; 0 = off
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# How many reverse proxies of ours append to X-Forwarded-For. 0: the client is REMOTE_ADDR and the header,
# which anyone can forge, is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Addresses or networks many people share (a department's NAT gateway, e.g. 10.20.0.1 or 10.20.0.0/16; a proxy
# not counted above): the per-address limit does not lock them (the username+address and username limits do).
LOGIN_SHARED_ADDRESSES = env_list("LOGIN_SHARED_ADDRESSES")
try:
    [ipaddress.ip_network(_entry, strict=False) for _entry in LOGIN_SHARED_ADDRESSES]
except ValueError as _error:
    raise ImproperlyConfigured(f"LOGIN_SHARED_ADDRESSES 中有无效的地址或网段：{_error}") from _error

# Sessions (units/sessions.py): idle and absolute limits, and a cookie that ends with the browser.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 8)
SESSION_TOUCH_SECONDS = env_int("SESSION_TOUCH_SECONDS", 60)  # how often the last-seen time is written
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600  # the stored session outlives no limit

INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
_AUTH = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_AUTH:_AUTH] = [
    "units.sessions.SessionLimitMiddleware",
    "units.second_factor.SecondFactorMiddleware",  # the second factor before the forced password change
    "units.passwords.PasswordChangeRequiredMiddleware",
]
# Two-factor sign-in (TOTP, units/second_factor.py) for staff and superusers. Off by default so the demo and an
# install without authenticator apps work; turn it on for an intranet install (README "安全 / Security").
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "人才工作督办平台")
INSTALLED_APPS = [*INSTALLED_APPS, "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE = [*MIDDLEWARE, "csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]  # axes last
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "units.throttle.LoginThrottleHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the wider limits are in LoginThrottleHandler
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True  # a successful login clears that username+address's failures only
AXES_CLIENT_IP_CALLABLE = "units.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "units.throttle.lockout_response"
AXES_VERBOSE = False  # no start-up banner in every manage.py command; lockouts are still logged

# Content-Security-Policy (django-csp), in development too, so a page that needs more shows up early.
# Scripts and styles come only from our static files: no inline <script>, <style> or style="" in templates.
# Bootstrap's CSS draws its icons (navbar toggler, select arrows, check marks) as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    # Production is served over HTTPS. For a plain-HTTP intranet test install, turn these off explicitly
    # (and `check --deploy` will say so).
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a separate, hard-to-undo decision for the whole parent domain (hstspreload list),
        # not a per-application default; W021 only reminds of it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy, the header it sets to say the original request was HTTPS, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (value "https"). Only set it if the proxy always
# overwrites that header; otherwise a client could claim HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probes and Prometheus come over plain HTTP
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_str("SECURE_PROXY_SSL_HEADER"))

# ---- Operations: object storage, several machines, probes, logs, metrics (README "部署与扩展") ----------------
# Evidence files and import previews (the "imports" storage, names under imports/) on S3-compatible object
# storage when S3_BUCKET is set; local disk (MEDIA_ROOT) otherwise, so no node or worker needs a shared disk.
# Files are only ever served through the scoped download views, never by a public URL.
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")  # e.g. http://minio.intranet:9000; empty = the AWS default
S3_REGION = env_str("S3_REGION", "us-east-1")
S3_PREFIX = env_str("S3_PREFIX")  # a folder inside the bucket, e.g. talentplan
S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "path")  # path suits MinIO / SeaweedFS / Ceph
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": S3_ENDPOINT_URL or None,
        "region_name": S3_REGION,
        "access_key": env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": S3_ADDRESSING_STYLE,
        "location": S3_PREFIX,
        "default_acl": None,  # the bucket's own (private) policy; no object is ever made public
        "querystring_auth": True,  # any URL storage might build is signed; the portal builds none
        "file_overwrite": False,
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
    STORAGES["imports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_options, "file_overwrite": True},  # a preview's state is rewritten as its job runs
    }
else:
    STORAGES["imports"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"allow_overwrite": True},  # under MEDIA_ROOT/imports/, like the evidence files
    }

# Behind PgBouncer in transaction mode (README "部署与扩展"): no server-side cursors, since a pooled connection
# may change between the statements that would use one. The one advisory lock is transaction-scoped already.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DISABLE_SERVER_SIDE_CURSORS", False)

# Logs on stdout; LOG_FORMAT=json writes one JSON object per line (talentplan/observability.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "talentplan.observability.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through the same JSON handler
LOGGING["handlers"]["console"]["stream"] = "ext://sys.stdout"

# Prometheus metrics at /metrics, readable only from these networks (REMOTE_ADDR; default loopback only).
METRICS_ALLOWED_CIDRS = env_list("METRICS_ALLOWED_CIDRS", ["127.0.0.0/8", "::1/128"])
MIDDLEWARE = ["talentplan.observability.MetricsMiddleware", *MIDDLEWARE]

# Error reporting to Sentry (or a compatible server such as GlitchTip) when SENTRY_DSN is set; off by default.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,  # no user names, addresses or cookies leave the intranet
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# ---- Directory sign-in: 统一身份认证 (OpenID Connect) and LDAP / AD (identity/; README "统一身份认证与目录登录") ----
# Each person's role, units and regions come from their directory groups through 目录组映射 (数据管理), at every
# sign-in. With neither OIDC_RP_CLIENT_ID nor LDAP_SERVER_URI set, only local accounts sign in (as before).
INSTALLED_APPS = [*INSTALLED_APPS, "identity"]
MIDDLEWARE.insert(  # a signed-in person with no role sees only whom to ask
    MIDDLEWARE.index("django.contrib.auth.middleware.LoginRequiredMiddleware") + 1,
    "identity.middleware.UnmappedPersonMiddleware",
)
# Whom a person with no mapping is told to ask; per region (code=text;code=text), else the default.
IDENTITY_CONTACT = env_str("IDENTITY_CONTACT", "本地区党委组织部（人才工作领导小组办公室）")
IDENTITY_REGION_CONTACTS = {
    code.strip(): text.strip()
    for code, _, text in (part.partition("=") for part in env_str("IDENTITY_REGION_CONTACTS").split(";"))
    if text.strip()
}
# OpenID Connect: the endpoints from the discovery document, or each one set (an OIDC_OP_* set wins).
OIDC_OP_DISCOVERY = env_str("OIDC_OP_DISCOVERY")  # e.g. https://idp.example.gov.cn/.well-known/openid-configuration
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT")  # end_session_endpoint (RP-initiated logout)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile email")
OIDC_CLAIM_USERNAME = env_str("OIDC_CLAIM_USERNAME", "preferred_username")
OIDC_CLAIM_NAME = env_str("OIDC_CLAIM_NAME", "name")
OIDC_CLAIM_EMAIL = env_str("OIDC_CLAIM_EMAIL", "email")
OIDC_CLAIM_GROUPS = env_str("OIDC_CLAIM_GROUPS", "groups")
OIDC_CLAIM_UNIT = env_str("OIDC_CLAIM_UNIT")  # a claim naming the person's unit; "" = none
OIDC_CLAIM_REGION = env_str("OIDC_CLAIM_REGION")  # a claim naming their region (for the contact); "" = none
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT", 10)
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_STORE_ID_TOKEN = True  # the hint of the provider's logout
OIDC_AUTHENTICATION_CALLBACK_URL = "identity:oidc_callback"
# LDAP / AD: people sign in on the ordinary form with their directory password (django-auth-ldap).
LDAP_SERVER_URI = env_str("LDAP_SERVER_URI")  # e.g. ldaps://ad.example.gov.cn; "" = no directory sign-in
LDAP_BIND_DN = env_str("LDAP_BIND_DN")  # "" = anonymous search
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
LDAP_TIMEOUT = env_float("LDAP_TIMEOUT", 5)
LDAP_USER_DN_TEMPLATE = env_str("LDAP_USER_DN_TEMPLATE")  # e.g. uid=%(user)s,ou=people,dc=example,dc=gov
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(uid=%(user)s)")  # AD: (sAMAccountName=%(user)s)
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE")
LDAP_GROUP_FILTER = env_str("LDAP_GROUP_FILTER", "(objectClass=groupOfNames)")
LDAP_GROUP_TYPE = env_str("LDAP_GROUP_TYPE", "groupOfNames")  # or groupOfUniqueNames, posixGroup, activeDirectory
LDAP_ATTR_NAME = env_str("LDAP_ATTR_NAME", "cn")
LDAP_ATTR_EMAIL = env_str("LDAP_ATTR_EMAIL", "mail")
LDAP_UNIT_ATTR = env_str("LDAP_UNIT_ATTR")  # an attribute naming the person's unit; "" = none
LDAP_REGION_ATTR = env_str("LDAP_REGION_ATTR")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "identity.oidc.DirectoryOIDCBackend"]
if LDAP_SERVER_URI:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "identity.ldap.DirectoryLDAPBackend"]
# ---- end of directory sign-in ------------------------------------------------------------------------------

# Every directory the portal writes to exists before any command needs it (see runtime_dirs.py).
create_runtime_dirs(
    [
        VAR_DIR,
        sqlite_dir(DATABASES["default"]),
        STATIC_ROOT,
        MEDIA_ROOT,
        EMAIL_FILE_PATH,
        CELERY_DIR,
        *_broker_dirs,
    ]
)
