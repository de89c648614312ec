"""Parvis settings: everything an operator may change comes from the environment.

Each variable is documented in README.md (a test checks it). A wrong value stops start-up with
a message that names the variable in French and English.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from parvis.accounts.oidc_endpoints import proconnect_endpoints
from parvis.conf.env import Env, SettingError

env = Env()
BASE_DIR = Path(__file__).resolve().parent

# "production" requires explicit secrets and hosts; "local" (make run) and "test" generate what
# they need in the data directory so that one command gives a working instance on a laptop.
PARVIS_ENV = env.choice("PARVIS_ENV", ("production", "local", "test"), "production")
IS_PRODUCTION = PARVIS_ENV == "production"

DATA_DIR = Path(env.string("PARVIS_DATA_DIR", str(BASE_DIR.parent / "var"))).resolve()


def _local_secret(filename: str, variable: str) -> str:
    """A secret kept in the data directory for local instances; production must set it."""
    if IS_PRODUCTION:
        raise SettingError(
            variable,
            "obligatoire en production (PARVIS_ENV=production)",
            "required in production (PARVIS_ENV=production)",
        )
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.optional_str("PARVIS_SECRET_KEY") or _local_secret(
    "secret_key", "PARVIS_SECRET_KEY"
)
# Keys for secrets at rest (network tokens...): comma-separated, the first one encrypts,
# all of them decrypt. See `parvis rotate-keys`.
PARVIS_ENCRYPTION_KEYS = env.strings("PARVIS_ENCRYPTION_KEYS", []) or [
    _local_secret("encryption_key", "PARVIS_ENCRYPTION_KEYS")
]

DEBUG = env.boolean("PARVIS_DEBUG", default=False)
ALLOWED_HOSTS = env.strings(
    "PARVIS_ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
# Port of `parvis run` (make run); local instances link to it unless PARVIS_BASE_URL says otherwise.
PORT = env.integer("PORT", 8000, minimum=1, maximum=65535)
PARVIS_BASE_URL = env.string(
    "PARVIS_BASE_URL", "" if IS_PRODUCTION else f"http://127.0.0.1:{PORT}"
).rstrip("/")
CSRF_TRUSTED_ORIGINS = [PARVIS_BASE_URL] if PARVIS_BASE_URL else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "parvis.core",
    "parvis.accounts",
    "parvis.organisations",
    "parvis.audit",
    "parvis.jobs",
    "parvis.notify",
    "parvis.connectors",
    "parvis.connectors.feeds",
    "parvis.connectors.sandbox",
    "parvis.publishing",
    "parvis.analysis",
    "parvis.strategy",
    "parvis.ops",
    "parvis.front",
]

MIDDLEWARE = [
    "parvis.ops.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parvis.audit.middleware.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "parvis.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parvis.front.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'parvis.sqlite3'}"


def _database(url: str) -> dict[str, object]:
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ValueError(
            "seuls sqlite:// et postgres:// sont pris en charge / only sqlite and postgres"
        )
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL + IMMEDIATE transactions: the web server and the worker write concurrently.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {
    "default": env.parsed(
        "DATABASE_URL", _database, _database(_default_sqlite), what="URL de base de données"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Brute-force lockout (django-axes): by user name and IP address together.
AXES_FAILURE_LIMIT = env.integer("PARVIS_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env.integer("PARVIS_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Lower-cased, so that "Alice@x" and "alice@x" count as the same person.
AXES_USERNAME_CALLABLE = "parvis.accounts.lockout.username_from_request"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Sessions and security --------------------------------------------------------------------
BEHIND_TLS_PROXY = env.boolean("PARVIS_BEHIND_TLS_PROXY", default=IS_PRODUCTION)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BEHIND_TLS_PROXY
SESSION_COOKIE_AGE = env.integer("PARVIS_SESSION_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Languages -------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and PARVIS_ENV != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = PARVIS_ENV == "test"

# --- Interface -------------------------------------------------------------------------------
# Theme of organisations that do not choose one: "dsfr" (State bodies) or "neutral".
PARVIS_DEFAULT_THEME = env.choice("PARVIS_DEFAULT_THEME", ("dsfr", "neutral"), "neutral")
PARVIS_INSTANCE_NAME = env.string("PARVIS_INSTANCE_NAME", "Parvis")
OTP_TOTP_ISSUER = PARVIS_INSTANCE_NAME  # the name authenticator apps show beside the account
DSFR_USE_INTEGRITY_CHECKSUMS = False

# --- E-mail ----------------------------------------------------------------------------------
# "smtp" in production; local instances write messages to files in the data directory.
PARVIS_EMAIL_BACKEND = env.choice(
    "PARVIS_EMAIL_BACKEND", ("smtp", "file", "console"), "smtp" if IS_PRODUCTION else "file"
)
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}[PARVIS_EMAIL_BACKEND]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env.string("PARVIS_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("PARVIS_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.string("PARVIS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.string("PARVIS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("PARVIS_EMAIL_STARTTLS", default=False)
EMAIL_USE_SSL = env.boolean("PARVIS_EMAIL_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise SettingError(
        "PARVIS_EMAIL_SSL",
        "incompatible avec PARVIS_EMAIL_STARTTLS : choisissez l'un des deux",
        "cannot be combined with PARVIS_EMAIL_STARTTLS: choose one",
    )
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.string("PARVIS_FROM_EMAIL", "Parvis <parvis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work (ADR 0002) ---------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env.boolean("PARVIS_TASKS_IMMEDIATE", default=False)
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "publish", "ingest", "reports"],
    }
}
# A worker that has not beaten for this long is considered dead; its running jobs are recovered.
PARVIS_WORKER_STALE_SECONDS = env.integer("PARVIS_WORKER_STALE_SECONDS", 120, minimum=10)

# --- Publishing -----------------------------------------------------------------------------------
# "Publier maintenant" leaves after this many seconds, during which it can still be cancelled.
PARVIS_UNDO_SECONDS = env.integer("PARVIS_UNDO_SECONDS", 30, minimum=0, maximum=600)
# Warn this many hours before an account's gap in publication opens (editorial cadence).
PARVIS_GAP_NOTICE_HOURS = env.integer("PARVIS_GAP_NOTICE_HOURS", 24, minimum=1, maximum=336)

# --- Outbound HTTP (parvis.core.http) ------------------------------------------------------------
PARVIS_HTTP_TIMEOUT = env.integer("PARVIS_HTTP_TIMEOUT", 15, minimum=1, maximum=300)
PARVIS_HTTP_MAX_BYTES = env.integer("PARVIS_HTTP_MAX_MB", 20, minimum=1) * 1024 * 1024
# Loopback and private addresses are refused unless listed here (local test servers only).
PARVIS_HTTP_ALLOWED_PRIVATE = env.strings("PARVIS_HTTP_ALLOWED_PRIVATE", [])
PARVIS_HTTP_USER_AGENT = f"Parvis/0.1 (+{PARVIS_BASE_URL or 'https://parvis.invalid'})"

# --- ProConnect (OpenID Connect for public agents), optional ------------------------------------
# PARVIS_PROCONNECT_DOMAIN is a host name (auth.agentconnect.gouv.fr, endpoints under
# https://<host>/api/v2) or a full base URL used as it is (a local test provider). See
# parvis/accounts/oidc_endpoints.py.
PROCONNECT_DOMAIN = env.optional_str("PARVIS_PROCONNECT_DOMAIN")
PROCONNECT_ENABLED = PROCONNECT_DOMAIN is not None
if PROCONNECT_ENABLED:
    OIDC_RP_CLIENT_ID = env.string("PARVIS_PROCONNECT_CLIENT_ID", required=True)
    OIDC_RP_CLIENT_SECRET = env.string("PARVIS_PROCONNECT_CLIENT_SECRET", required=True)
    AUTHENTICATION_BACKENDS.append("parvis.accounts.proconnect.ProConnectBackend")
else:
    OIDC_RP_CLIENT_ID = OIDC_RP_CLIENT_SECRET = ""
_proconnect = env.parsed(
    "PARVIS_PROCONNECT_DOMAIN",
    lambda value: proconnect_endpoints(value, allow_http=not IS_PRODUCTION),
    proconnect_endpoints(None),
    what="domaine ProConnect",
)
PROCONNECT_ISSUER = _proconnect.issuer
PROCONNECT_END_SESSION_ENDPOINT = _proconnect.end_session
OIDC_OP_AUTHORIZATION_ENDPOINT = _proconnect.authorization
OIDC_OP_TOKEN_ENDPOINT = _proconnect.token
OIDC_OP_USER_ENDPOINT = _proconnect.userinfo
OIDC_OP_JWKS_ENDPOINT = _proconnect.jwks
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email given_name usual_name siret"
OIDC_TIMEOUT = PARVIS_HTTP_TIMEOUT
OIDC_STORE_ID_TOKEN = True  # id_token_hint of ProConnect's end_session
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback"
OIDC_CALLBACK_CLASS = "parvis.accounts.proconnect.ProConnectCallbackView"
OIDC_OP_LOGOUT_URL_METHOD = "parvis.accounts.proconnect.end_session_url"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"

# --- Operations ------------------------------------------------------------------------------
# /metrics answers only with "Authorization: Bearer <token>" when a token is set, and only to
# loopback clients when none is.
PARVIS_METRICS_TOKEN = env.optional_str("PARVIS_METRICS_TOKEN")
PARVIS_LOG_FORMAT = env.choice(
    "PARVIS_LOG_FORMAT", ("json", "text"), "json" if IS_PRODUCTION else "text"
)
PARVIS_LOG_LEVEL = env.choice("PARVIS_LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # Adds request_id, org, user_id and task_id to records (JSON fields); see parvis.ops.logcontext.
    "filters": {"context": {"()": "parvis.ops.logcontext.ContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": PARVIS_LOG_FORMAT,
            "filters": ["context"],
        },
    },
    "root": {"handlers": ["console"], "level": PARVIS_LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
