"""Django settings. Everything a deployment changes comes from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TENDERCARE_VAR_DIR", PROJECT_DIR / "var"))
NODE_MODULES = Path(os.environ.get("TENDERCARE_NODE_MODULES", PROJECT_DIR / "node_modules"))
GOVUK_FRONTEND_DIR = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"

DEBUG = os.environ.get("TENDERCARE_DEBUG", "") == "1"
# The demo secret is only ever used on 127.0.0.1; production sets TENDERCARE_SECRET_KEY.
SECRET_KEY = os.environ.get("TENDERCARE_SECRET_KEY", "tendercare-local-demo-key-not-for-production")
ALLOWED_HOSTS = os.environ.get("TENDERCARE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "tendercare.core",
    "tendercare.organisations",
    "tendercare.geography",
    "tendercare.contracts",
    "tendercare.programmes",
    "tendercare.procurement",
    "tendercare.bidding",
    "tendercare.evaluation",
    "tendercare.award",
    "tendercare.pricing",
    "tendercare.performance",
    "tendercare.engagement",
    "tendercare.scrutiny",
    "tendercare.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tendercare.core.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tendercare.core.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "tendercare.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "tendercare.core.jinja.environment"},
    },
]

WSGI_APPLICATION = "tendercare.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tendercare.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the task worker write at the same time: WAL lets readers go on while
    # one writes, and IMMEDIATE transactions wait for the lock instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "core" / "static"  # our own few files; served by urls.py
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("TENDERCARE_HTTPS", "") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
CSRF_FAILURE_VIEW = "tendercare.core.views.csrf_failure"

MEDIA_ROOT = VAR_DIR / "media"  # bid documents; never served publicly
# Visit records (electronic call monitoring) as Parquet partitions by owner and month.
VISIT_STORE = Path(os.environ.get("TENDERCARE_VISIT_STORE", VAR_DIR / "visits"))
# The key that pseudonymises client ids on import: configuration, never in the repository.
# Without it, a random key is made once and kept in var/ (see performance/pseudonyms.py).
PSEUDONYM_KEY = os.environ.get("TENDERCARE_PSEUDONYM_KEY", "")
MEDIA_URL = "/media-not-served/"
