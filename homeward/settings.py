"""Settings from the environment; an SQLite file under ./var when nothing is set.

DATABASE_URL   postgres://user@host:5432/name, or sqlite:///path (default: var/homeward.sqlite3)
SECRET_KEY     required to serve web requests (wsgi, serve) when DEBUG and the demo are off
DEBUG          1/true to enable
ALLOWED_HOSTS  comma-separated (default: localhost,127.0.0.1)
HOMEWARD_DEMO  1 shows the synthetic-data banner on every page
HOMEWARD_VAR   where the SQLite file, the instance key and uploads live (default: ./var)
DATABASE_PREPARED_STATEMENTS
               PostgreSQL: "off" behind a transaction-mode pooler that cannot keep prepared
               statements (PgBouncer before 1.21, or with max_prepared_statements = 0); default on
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HOMEWARD_VAR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _flag("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Commands (migrate, ledger verify, import…) run without a secret; serving web requests does not
# (wsgi.py and `homeward serve` refuse unless DEBUG or the demo): sessions and CSRF tokens are
# signed with it.
INSECURE_SECRET_KEY = not SECRET_KEY
if INSECURE_SECRET_KEY:
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

HOMEWARD_DEMO = _flag("HOMEWARD_DEMO")
# An inquiry unanswered for longer than this is flagged overdue in the tracing desk's lists.
TRACING_OVERDUE_DAYS = int(os.environ.get("TRACING_OVERDUE_DAYS", "30"))


HOMEWARD_TESTING = _flag("HOMEWARD_TESTING")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for its templates and static files: /api/v1/docs serves Swagger UI from the copy
    # vendored in the django-ninja package, never from a CDN (CSP allows no other origin).
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "homeward.accounts",
    "homeward.ledger",
    "homeward.registry",
    "homeward.tracing",
    "homeward.exchanges",
    "homeward.stats",
    "homeward.claims",
    "homeward.reconcile",
    "homeward.web",
    "homeward.worker",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "homeward.accounts.middleware.SessionLimitsMiddleware",
    "homeward.accounts.middleware.SecondFactorEnrolmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "homeward.accounts.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "homeward.urls"
WSGI_APPLICATION = "homeward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "homeward.web.context.homeward",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'homeward.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page read while the import worker writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements for the few statements Homeward binds server-side itself, above all
    # the ledger's insert inside every action (sequencing.insert_entry): planned once per
    # connection instead of parsed from text each time. Django's own cursors bind client-side
    # and never prepare, whatever this says. Django leaves it off (None) for the sake of
    # transaction-mode poolers, which may hand the next transaction a server connection that
    # never saw the statement: turn it off there. See docs/operations.md.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if _flag("DATABASE_PREPARED_STATEMENTS", "1") else None
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if _flag("HOMEWARD_TESTING"):
    # Argon2 costs ~50 ms a hash by design; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "homeward.accounts.passwords.DistinctCharactersValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and not HOMEWARD_DEMO and not _flag("HOMEWARD_TESTING")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Security: TLS, sessions, headers, login (docs/security.md, docs/operations.md) ----------
# HOMEWARD_TLS=1 behind TLS: redirect http to https, HSTS for a year, secure cookies. Behind a
# proxy that ends TLS, also set SECURE_PROXY_SSL_HEADER's header (X-Forwarded-Proto) at the proxy.
HOMEWARD_TLS = _flag("HOMEWARD_TLS")
if HOMEWARD_TLS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("HSTS_INCLUDE_SUBDOMAINS")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# Sessions end SESSION_MAX_AGE seconds after login whatever the user does (default 8 h), and after
# SESSION_IDLE_TIMEOUT seconds without a request (default 30 min): SessionLimitsMiddleware.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_AGE", str(8 * 3600)))
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
# The client address used for throttling and logs. Behind a reverse proxy, name the header it
# sets (e.g. X-Forwarded-For) and how many proxies of yours append to it; without this every
# request seems to come from the proxy. Never set it when clients reach the app directly: they
# could then write any address they like.
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
# Content-Security-Policy (SecurityHeadersMiddleware): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Login throttling (django-axes, database handler, so it holds across processes and hosts):
# LOGIN_MAX_FAILURES failures for a username lock that username for LOGIN_FAILURE_WINDOW seconds,
# from any address. No lock per address alone: behind a proxy that would lock everyone out.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "homeward.accounts.throttle.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Our login view consults axes itself (homeward.accounts.throttle); the backend/middleware
# checks assume axes's own flow.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W003"]
# Second factor (django-otp TOTP, RFC 6238) for every role that sees personal data, and admins.
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Homeward")
# API tokens expire after this many days unless their owner picks another term (at most a year).
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("API_TOKEN_DEFAULT_DAYS", "90"))
# Password reset and new users' set-password links: one use, valid this long (seconds).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 24 * 3600)))
# Mail for those links: the console by default (the demo); SMTP when EMAIL_HOST is set.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _flag("EMAIL_USE_TLS", "1"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "homeward@localhost")

CACHES = {
    "default": {
        # A shared cache (Redis) when REDIS_URL is set. Login throttling does not depend on it:
        # axes counts failures in the database.
        "BACKEND": "django.core.cache.backends.redis.RedisCache"
        if os.environ.get("REDIS_URL")
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": os.environ.get("REDIS_URL", "homeward"),
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# A JSON body or the form fields of a request (files excluded) may not be larger than this; the
# API answers 413. Uploaded files are bounded by the person-list byte limit (homeward.lib.uploads,
# docs/register.md "Limits on input"), before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "homeward.lib.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

NINJA_PAGINATION_MAX_LIMIT = 500

# Background work (docs/architecture.md, "Background tasks"): Django's task framework with the
# database backend of django-tasks-db; `homeward worker` (or the thread `homeward serve` starts)
# runs the queued tasks. Under HOMEWARD_TESTING, the test settings, every `.enqueue()` runs the
# task at once in the caller (ImmediateBackend), so a test sees the work done without a worker;
# enqueue through homeward.worker.queue.enqueue and a task queued inside a test's transaction
# runs when that transaction commits (pytest-django's `db` fixture never commits: use
# `django_capture_on_commit_callbacks(execute=True)`). A test that exercises the real queue
# (claims, two workers, a lost worker) sets TASKS to DATABASE_TASKS itself.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASKS = (
    {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    if HOMEWARD_TESTING
    else DATABASE_TASKS
)

# Login throttling (django-axes, above): failures before a lock, and the lock's length.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_FAILURE_WINDOW)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Log lines carry ids and counts, never names or birth dates (see docs/operations.md).
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
