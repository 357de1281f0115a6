"""Settings for BHT-portalen, read from the environment (django-environ).

Every value has an embedded default so that `make run` works on a fresh machine:
SQLite in the project folder, no broker (Celery tasks run eagerly in-process),
e-mail written to files under var/mail. Production mode: bht_portal.settings_production.
"""

import datetime
import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-bht-portalen-2026")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "django_fsm",
    "axes",
    "csp",
    # Layered bottom to top (docs/adr/0001-layers.md; checked by import-linter):
    "core",
    "accounts",
    "notifications",
    "enterprises",
    "providers",
    "approvals",
    "inspections",
    "oversight",
    "bht_portal",
]

MIDDLEWARE = [
    "bht_portal.middleware.ServiceUnavailableMiddleware",
    "bht_portal.middleware.MalformedRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bht_portal.security.RequestBodyLimitMiddleware",
    "bht_portal.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.StaffSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ActingOrganisationMiddleware",
    "accounts.middleware.AccessPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script or style, no eval; nothing may frame the portal. Every page is checked in the
# browser tests for CSP violations.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "bht_portal.urls"
WSGI_APPLICATION = "bht_portal.wsgi.application"

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
                "bht_portal.navigation.navigation",
                "accounts.views_login.acting_organisation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several threads (live-server tests, eager tasks) share the file: wait, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that is away must fail a request quickly (503, bht_portal.middleware), never
    # hang the worker: connecting gives up after DB_CONNECT_TIMEOUT seconds, a statement after
    # DB_STATEMENT_TIMEOUT (PostgreSQL's statement_timeout), and a server that does not answer
    # at all (frozen) after the same time plus a second (client-side deadline, dbguard.py).
    # The bulk register import lifts the limit for its own statements (dbguard.unbounded).
    # Management commands other than runserver (migrate, imports, seeding) are operators' batch
    # work, not requests: no statement timeout unless DB_STATEMENT_TIMEOUT says so.
    _batch_command = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
    DB_STATEMENT_TIMEOUT = env.float("DB_STATEMENT_TIMEOUT", default=0.0 if _batch_command else 5.0)
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
    if DB_STATEMENT_TIMEOUT > 0:
        from core import dbguard

        _db_options["options"] = (
            _db_options.get("options", "") + f" -c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}"
        ).strip()
        _db_options.setdefault("connection_factory", dbguard.guarded_connection(DB_STATEMENT_TIMEOUT + 1))
        _db_options.setdefault("cursor_factory", dbguard.GuardedCursor)
# Web workers may answer the obligation lookup by organisation number from an in-memory copy
# of the register, kept current by PostgreSQL notifications (enterprises/register_copy.py,
# ADR 0003). On for gunicorn in docker-compose.yml; off by default (tests, commands, Celery).
ENTERPRISE_REGISTER_COPY = env.bool("ENTERPRISE_REGISTER_COPY", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# AxesStandaloneBackend first: refuses a locked-out (user, address) pair before any password check.
# ModelBackend: the local password login (demo and development only, see PASSWORD_LOGIN);
# OIDCBackend: people who logged in through ID-porten or Entra ID (accounts/views_login.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.OIDCBackend",
]
# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for one user from one address,
# that pair is locked for AXES_COOLOFF_TIME. Operators unlock in the admin ("Access attempts")
# or with `manage.py axes_reset_username <e-mail>` / `axes_reset` (README, "Operations").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.limits.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "accounts.limits.client_ip"
AXES_USERNAME_CALLABLE = "accounts.limits.login_username"
AXES_VERBOSE = False
# Password-reset mails: at most this many per address and per client address an hour.
PASSWORD_RESET_MAILS_PER_ADDRESS = env.int("PASSWORD_RESET_MAILS_PER_ADDRESS", default=3)
PASSWORD_RESET_MAILS_PER_IP = env.int("PASSWORD_RESET_MAILS_PER_IP", default=10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions (accounts.sessions): idle at most 30 minutes, at most a working day in all.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=10 * 60 * 60)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

# Logging in (accounts/oidc.py, README "Logging in"). Local passwords and the demo's one-click
# logins are for `make run`; production turns both off (settings_production).
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
DEMO_LOGIN = env.bool("DEMO_LOGIN", default=True)  # shown and accepted only with DEBUG on
DEMO_EMAIL_DOMAIN = "demo.no"
OIDC_TIMEOUT_SECONDS = env.float("OIDC_TIMEOUT_SECONDS", default=5.0)
OIDC_LEEWAY_SECONDS = env.int("OIDC_LEEWAY_SECONDS", default=60)
# The lowest level of assurance a login may have at all; submitting an application needs
# idporten-loa-substantial (accounts.access.needs_acr). A missing or unknown acr is refused.
OIDC_MIN_ACR = env("OIDC_MIN_ACR", default="idporten-loa-low")
# The Altinn service resources the portal asks Ansattporten about (authorization_details):
# an organisation listed under bht_application may apply for approval as a BHT.
OIDC_ALTINN_RESOURCES = {
    "bht_application": env("IDPORTEN_ALTINN_RESOURCE_BHT", default="urn:altinn:resource:at-bht-godkjenning"),
    "enterprise": env("IDPORTEN_ALTINN_RESOURCE_ENTERPRISE", default="urn:altinn:resource:at-bht-virksomhet"),
}
OIDC_PROVIDERS = {
    "idporten": {
        "metadata_url": env("IDPORTEN_METADATA_URL", default=""),
        "client_id": env("IDPORTEN_CLIENT_ID", default=""),
        "client_secret": env("IDPORTEN_CLIENT_SECRET", default=""),
        "scope": env("IDPORTEN_SCOPE", default="openid profile"),
        "acr_values": env("IDPORTEN_ACR_VALUES", default="idporten-loa-substantial"),
        "authorization_details": [
            {"type": "ansattporten:altinn:service", "resource": resource} for resource in OIDC_ALTINN_RESOURCES.values()
        ],
    },
    "entra": {
        "metadata_url": env("ENTRA_METADATA_URL", default=""),
        "client_id": env("ENTRA_CLIENT_ID", default=""),
        "client_secret": env("ENTRA_CLIENT_SECRET", default=""),
        "scope": env("ENTRA_SCOPE", default="openid profile email"),
    },
}
# Entra ID group object ids (comma-separated) per staff role; membership decides the role at
# each login, no mapped group = no access.
OIDC_STAFF_GROUPS = {
    "case_handler": env.list("ENTRA_GROUPS_CASE_HANDLER", default=[]),
    "inspector": env.list("ENTRA_GROUPS_INSPECTOR", default=[]),
    "operator": env.list("ENTRA_GROUPS_OPERATOR", default=[]),
}

# Language: Norwegian bokmål by default, English complete. Message ids are English.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bht_portal.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Uploaded documents and decision letters are private: stored outside any public URL and
# served only through views that check access.
MEDIA_ROOT = env.path("PRIVATE_FILE_ROOT", default=VAR_DIR / "private")
MEDIA_URL = "/_private/"  # never routed: private files are served only by access-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Request size caps (bht_portal.security): form data (uploaded files aside) at most 2 MB, an
# upload at most a 20 MB document, an API body at most 256 kB (a roster of MAX_STAFF people).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000  # an application with the largest roster allowed
MAX_UPLOAD_BYTES = 20 * 1024 * 1024 + 64 * 1024
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)

# E-mail: to files under var/mail by default (the demo shows them), SMTP etc. via EMAIL_URL.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
_email = env.email_url("EMAIL_URL", default="filemail://")
EMAIL_BACKEND = env("EMAIL_BACKEND", default=_email.get("EMAIL_BACKEND"))
for _k in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
    if _email.get(_k) not in (None, ""):
        globals()[_k] = _email[_k]
# Absolute links in e-mails (reminders, receipts) start with this.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="BHT-portalen <post@arbeidstilsynet.example>")

# Celery: with no broker, tasks run eagerly in-process (the default needs no Redis).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL) or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Bounded waits on the broker: a request that sends a task (decision letter, "Run now") gives
# up within a few seconds when Redis is away and leaves the work to the outbox/sweep.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "max_retries": 2,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE
# The static beat schedule (daily jobs) lives in bht_portal/beat.py.

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.access.DRFAccessPolicy"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API takes JSON only (as its schema says); JSON nested too deep is a 400, not a
    # RecursionError (bht_portal/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["bht_portal.parsers.JSONParser"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/min"),
        "rule_check": env("API_RULE_CHECK_RATE", default="60/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Rate limits count per client address. X-Forwarded-For is trusted only for this many
    # proxies in front of the portal (0: REMOTE_ADDR, the right value for `make run`; behind one
    # reverse proxy that sets X-Forwarded-For, NUM_PROXIES=1). See README, "Deployment".
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BHT-portalen API",
    "DESCRIPTION": "Public API of BHT-portalen (Arbeidstilsynet): obligation check, rule check, register of approved providers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "approvals.api.strict_request_components",
    ],
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    # Fails open: with Redis away the API throttles and cached look-ups let requests through
    # (logged once) instead of answering 500 (bht_portal/cache.py).
    from bht_portal.cache import redis_caches

    CACHES = redis_caches(REDIS_URL)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Enhetsregisteret (the national register) client: a local server in tests.
ENHETSREGISTERET_BASE_URL = env("ENHETSREGISTERET_BASE_URL", default="https://data.brreg.no/enhetsregisteret/api")
ENHETSREGISTERET_TIMEOUT = env.float("ENHETSREGISTERET_TIMEOUT", default=10.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"database_outage": {"()": "bht_portal.middleware.DatabaseOutageLogFilter"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # A database outage is logged once by bht_portal.middleware, not once per request.
        "django.request": {"filters": ["database_outage"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO; only its warnings matter.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every login at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}
