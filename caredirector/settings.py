"""Settings for the case-recording app, driven by environment variables (see README, "Configuration")."""

import copy
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from caredirector.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without one: "
            "set SECRET_KEY to a long random value, or DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The council's CASSR code for the CLD extract, and its name as practitioners know it.
CLD_LA_CODE = env_str("CLD_LA_CODE", "")
# PostgreSQL memory for the extract's sort (per sort and per parallel worker, for that one query): a million events
# sort in memory with 512MB; less only spills to disk and takes longer.
CLD_EXTRACT_WORK_MEM = env_str("CLD_EXTRACT_WORK_MEM", "512MB")
COUNCIL_NAME = env_str("COUNCIL_NAME", "the council")
# Where users report an accessibility problem (the accessibility statement names it): an email address or a team
ACCESSIBILITY_CONTACT = env_str("ACCESSIBILITY_CONTACT", "your council's IT service desk")

INSTALLED_APPS = [
    "caredirector.apps.CareAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "simple_history",
    "csp",
    "import_export",
    "accounts",
    "codes",
    "cases",
    "cld",
    "forms_engine",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "cases.access.AccessLogMiddleware",  # writes the request's views of people's records (cases/access.py)
]

ROOT_URLCONF = "caredirector.urls"
WSGI_APPLICATION = "caredirector.wsgi.application"

TEMPLATES = [
    {
        # The app's pages and form fields (templates/). Jinja2 is Django's second engine: it renders the busiest pages
        # (My Forms, the form page's fields) several times faster than Django's own (docs/architecture.md).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,  # django.forms' widget templates (its jinja2/ folder), for the form renderer
        "OPTIONS": {
            "environment": "caredirector.jinja2.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "caredirector.context_processors.site",
            ],
        },
    },
    {
        # The admin's templates, and the house's few overrides of them (caredirector/templates/admin/).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "caredirector" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Form fields are rendered by the templates above: a field's label, control, hint and error by
# templates/includes/field.html, each widget by Django's own Jinja2 widget templates.
FORM_RENDERER = "caredirector.jinja2.FormRenderer"

# Blocks of fields that apps above forms_engine add to some form types (forms_engine/blocks.py).
FORM_BLOCKS = ["cld.block.CldBlock"]

# --- Database -----------------------------------------------------------------------------------------------------
# SQLite in the project folder by default, so a first run needs nothing installed; PostgreSQL in production and CI.
# DB_CONN_MAX_AGE > 0 keeps one persistent connection per worker instead of the pool (the benchmark's setting).
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0)
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=DB_CONN_MAX_AGE)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not DB_CONN_MAX_AGE:
    # Django's psycopg 3 pool: each worker process keeps a few warm connections (workers x max_size in all).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 1),
        "max_size": env_int("DB_POOL_MAX_SIZE", 8),
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_SERVER_SIDE_BINDING", True):
    # Parameters sent apart from the SQL, and psycopg prepares a statement once it has run DB_PREPARE_THRESHOLD times
    # on a connection, so PostgreSQL stops planning it again: planning cost 1-4 ms a query on the list pages, more
    # than running them. Django turns psycopg's preparing off unless prepare_threshold is given (0 or less: never).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    if (DB_PREPARE_THRESHOLD := env_int("DB_PREPARE_THRESHOLD", 5)) > 0:
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = DB_PREPARE_THRESHOLD
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Jobs ---------------------------------------------------------------------------------------------------------
# Long work (a CLD extract run) goes on a queue in PostgreSQL: procrastinate keeps the jobs in the database, and any
# number of workers (`manage.py procrastinate worker`, on any machine) take them. Its tables are PostgreSQL's: on
# SQLite a run is done at once, in the request that asks for it.
JOBS_QUEUED = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if JOBS_QUEUED:
    INSTALLED_APPS.append("procrastinate.contrib.django")
    # A run reports its progress on a connection of its own, outside the long transaction that reads its rows.
    DATABASES["progress"] = {**copy.deepcopy(DATABASES["default"]), "TEST": {"MIRROR": "default"}}
# Two jobs at a time in a worker: a run (one at a time anyway: cld/runs.RUNS_LOCK) and the minute's check for jobs
# whose worker was lost, which must not wait behind a run.
PROCRASTINATE_WORKER_DEFAULTS = {"queues": ["extracts"], "concurrency": 2}

# --- Users and sessions -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["cases.backends.TeamBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:my-forms"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in the database, so any app server behind a load balancer can serve any request. A session ends after
# SESSION_IDLE_SECONDS without a request; activity pushes the end back (saved at most every SESSION_REFRESH_SECONDS).
# Django's database sessions, read by a statement compiled once (accounts/sessions.py: docs/architecture.md).
SESSION_ENGINE = "accounts.sessions"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_REFRESH_SECONDS = min(env_int("SESSION_REFRESH_SECONDS", 60), SESSION_IDLE_SECONDS // 2)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Failed sign-ins, per account and per address (kept in the database): free attempts, then a growing wait, then a lock.
LOGIN_THROTTLE_FREE_ATTEMPTS = env_int("LOGIN_THROTTLE_FREE_ATTEMPTS", 3)
LOGIN_THROTTLE_LOCK_AFTER = env_int("LOGIN_THROTTLE_LOCK_AFTER", 8)
LOGIN_THROTTLE_LOCK_SECONDS = env_int("LOGIN_THROTTLE_LOCK_SECONDS", 15 * 60)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# How long the access log keeps a row (days): `manage.py prune_access_log` removes older rows, run daily. Eight years
# by default, as long as the adult social care record itself is kept after the service ends (the council's records
# management policy may say otherwise: set ACCESS_LOG_RETENTION_DAYS).
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 8 * 366)
# How long breaking the glass opens a restricted record for the user who did (hours)
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 8)

# --- Internationalisation -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and produced files (the CLD extract runs' files): Django's storage API, on this disk by default; an object
# store is a STORAGES setting, not a code change. Not served as static: downloads go through a view that checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -----------------------------------------------------------------------------------------------------
# Production defaults are strict; each can be relaxed from the environment (e.g. behind a TLS-terminating proxy).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- History ------------------------------------------------------------------------------------------------------
# Reasons (e.g. a manager's reason for returning a form) can be long: store them whole.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History is evidence: the admin may show it but never roll a record back to an old version through it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Logging ------------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
