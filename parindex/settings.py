"""Settings from the environment (or a `.env` file, see .env.example); they fail closed.

Nothing set is production: DEBUG off, and the app refuses to start without SECRET_KEY. A laptop sets
DEBUG=1 (`make demo` does) and then gets SQLite in the project folder, eager Celery and a development key.
Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and, behind a TLS proxy,
TRUST_PROXY_HEADERS=true.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.exists():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
# A command that serves nothing (migrate, load_sample, export_results…) may run without a key: Django
# then refuses, at the first use, anything that would sign (sessions, tokens). Serving never starts
# without one (WSGI/ASGI, runserver, a Celery worker).
COMMAND = os.environ.get("PARINDEX_COMMAND", "")
SERVING_COMMANDS = frozenset({"runserver", "testserver"})
if not SECRET_KEY:
    if not DEBUG and (not COMMAND or COMMAND in SERVING_COMMANDS):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env (see .env.example); "
            "only a development machine with DEBUG=1 may run without one."
        )
    if DEBUG:
        SECRET_KEY = "insecure-development-key-used-only-with-debug"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_results",
    "django_celery_beat",
    "simple_history",
    "django_htmx",
    "csp",
    "axes",
    "accounts",
    "agencies",
    "scoring",
    "assessment",
    "evidence",
    "surveys",
    "measures",
    "public",
    "reports",
    "web",
    "sample",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.SessionBackendRename",  # sessions signed in before accounts.backends
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "surveys.middleware.SurveyOperatorFence",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessment.context_processors.notifications",
                "web.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account before checking its password
    # Django's, with the user of each request read by SQL built once (accounts/backends.py). Sessions
    # signed in under Django's own ModelBackend path are renamed (accounts/middleware.py).
    "accounts.backends.ModelBackend",
]
# Lock-out per account, not per IP: a whole department often shares one address behind NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# axes.W006: per-IP lock-out would lock out whole offices (see above). models.W047: SQLite (the laptop
# demo) cannot enforce one appraiser per agency × area; PostgreSQL does.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W047"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese first, English available; numbers as 90,30.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")  # evidence is served through views only
# Evidence and reports: local disk, or an S3-compatible bucket when EVIDENCE_S3_BUCKET is set
# (needs `pip install django-storages[s3]`); files are never public either way (views check access).
S3_BUCKET = env("EVIDENCE_S3_BUCKET", default="")
DEFAULT_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("EVIDENCE_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery: Redis when REDIS_URL (or CELERY_BROKER_URL) is set, otherwise tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not (REDIS_URL or env("CELERY_BROKER_URL", default=""))
)
CELERY_TASK_EAGER_PROPAGATES = True

# Sessions (issue 17): with Redis, read from a shared Redis cache and stored in the database
# (parindex/sessions.py: a failed cache write or delete fails the request, never leaves a session
# alive). Without Redis (the embedded default) the database alone: a per-process cache (locmem) would
# keep a logged-out session alive in the other processes.
SESSION_REDIS_URL = env("SESSION_REDIS_URL", default=REDIS_URL)
if SESSION_REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {
            "BACKEND": "parindex.redis_cache.RedisCache",  # Django's, one client per server
            "LOCATION": SESSION_REDIS_URL,
            "KEY_PREFIX": "parindex-session",
            "TIMEOUT": None,
        },
    }
    SESSION_ENGINE = "parindex.sessions"
    SESSION_CACHE_ALIAS = "sessions"
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "self-assessment-reminders": {
        "task": "assessment.send_self_assessment_reminders",
        "schedule": crontab(hour=8, minute=0),  # Asia/Ho_Chi_Minh
    },
    "expire-stale-jobs": {  # a job whose worker was lost is marked failed (parindex.jobs.STALE_AFTER)
        "task": "parindex.expire_stale_jobs",
        "schedule": crontab(minute="*/5"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 200,
    # The read API's limits (api.auth): anonymous clients by address; each token has its own rate.
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ParIndex API",
    "DESCRIPTION": "Public Administration Reform Index: assessment, surveys and results.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the API's map is not public
    "SERVE_AUTHENTICATION": [
        "rest_framework.authentication.SessionAuthentication",
        "api.auth.BearerTokenAuthentication",
    ],
    # Swagger UI from the vendored assets (drf-spectacular-sidecar), its start script a file (strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the field name "status": named here so `check --deploy` stays clean.
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "assessment.models.ItemStatus",
        "JobStatusEnum": "parindex.jobs.JobStatus",
    },
}

# Evidence uploads: checked by content (libmagic), size-limited, streamed to disk above 2.5 MB.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=50 * 1024 * 1024)
EVIDENCE_ALLOWED_TYPES = env.list(
    "EVIDENCE_ALLOWED_TYPES",
    default=[
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "image/jpeg",
        "image/png",
        "application/zip",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Hostile input files (parindex/safe_files.py): XLSX and CSV imports are measured before they are parsed.
# Each limit can be set in the environment as FILE_LIMIT_<NAME>, e.g. FILE_LIMIT_RESPONSES_ROWS=200000.
# "responses": survey response files; "list": accounts, criteria sets, questionnaires (rows per sheet);
# "measures": measured data and survey values (measures/reading.py).
FILE_LIMITS = {
    name: env.int(f"FILE_LIMIT_{name.upper()}", default=default)
    for name, default in {
        "zip_members": 200,
        "zip_ratio": 100,
        "columns": 500,
        "responses_rows": 100_000,
        "responses_member_bytes": 128 * 1024 * 1024,
        "responses_total_bytes": 160 * 1024 * 1024,
        "responses_csv_bytes": 64 * 1024 * 1024,
        "list_rows": 5_000,
        "list_member_bytes": 16 * 1024 * 1024,
        "list_total_bytes": 32 * 1024 * 1024,
        "list_csv_bytes": 8 * 1024 * 1024,
        # Measured data and survey values: ~170 communes × ~30 data/survey leaves, with room.
        "measures_rows": 20_000,
        "measures_member_bytes": 16 * 1024 * 1024,
        "measures_total_bytes": 32 * 1024 * 1024,
        "measures_csv_bytes": 4 * 1024 * 1024,
    }.items()
}
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="parindex@localhost")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # links in e-mails

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # The header alone changes nothing; the domain's owner decides whether to submit it to browsers' list.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# X-Forwarded-Proto says "https" only when a proxy that overwrites it stands in front; without one any
# client could send it, so it is trusted only when configured.
TRUST_PROXY_HEADERS = env.bool("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts and styles only from our static files, no inline code,
# nothing frames the site (the evidence preview alone allows the site itself, evidence/views.py).
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its form and toggler icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
