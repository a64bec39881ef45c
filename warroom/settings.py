"""Warroom settings: one module, driven by the environment, with zero-config defaults.

Embedded mode (no variables set): SQLite under var/, in-memory channel layer, memory broker with the
Celery worker and beat running inside the server process (see warroom/embedded.py).
Production mode: DATABASE_URL (PostgreSQL), REDIS_URL (channel layer and broker), SECRET_KEY,
ALLOWED_HOSTS; `celery worker` and `celery beat` run as their own processes.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from warroom.env import env_bool, env_float, env_int, parse_update_cadence

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WARROOM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # Zero-config: a key generated once and kept beside the SQLite database.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "channels",
    "incidents",
    "postmortems",
    "action_items",
    "integrations",
    "statuspage",
    "insights",
    "accounts",
    "axes",
    "warroom",  # registers the settings checks in warroom/checks.py
]

MIDDLEWARE = [
    "insights.metrics.RequestMetricsMiddleware",  # outermost: counts every answer, redirects to sign-in too
    "django.middleware.security.SecurityMiddleware",
    "warroom.middleware.ApiErrorsAreJsonMiddleware",
    "warroom.middleware.RefuseUnstorableQueryMiddleware",
    "accounts.middleware.CSPMiddleware",  # django-csp, plus the identity provider as a form target
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "warroom.idempotency.IdempotencyKeyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out sign-in with the login form and its message
]

ROOT_URLCONF = "warroom.urls"
ASGI_APPLICATION = "warroom.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "warroom.sqlite3",
            "OPTIONS": {
                # WAL lets the page read while the worker writes; IMMEDIATE avoids lock-upgrade deadlocks.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels and Celery ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": os.environ.get("CHANNEL_LAYER_BACKEND", "channels_redis.core.RedisChannelLayer"),
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": 1500,
                "expiry": 30,
                "group_expiry": 86400,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1500}}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task a killed worker held comes back after 5 minutes, not Redis's default hour; every task is safe to run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "warroom.heartbeat", "schedule": 15.0},
    "idempotency-purge": {"task": "warroom.purge_idempotent_requests", "schedule": 3600.0},
    "postmortem-review-reminders": {"task": "postmortems.tasks.remind_review_meetings", "schedule": 300.0},
    # A resolve while the broker was down still gets its postmortem draft, within a minute of the broker's return.
    "postmortem-missing-drafts": {"task": "postmortems.tasks.draft_missing_postmortems", "schedule": 60.0},
    # Webhook deliveries whose task was lost (restart) get another go; raw deliveries expire after 30 days.
    "integrations-requeue-stuck-deliveries": {"task": "integrations.tasks.requeue_stuck_deliveries", "schedule": 60.0},
    "integrations-purge-old-deliveries": {"task": "integrations.tasks.purge_old_deliveries", "schedule": 6 * 3600.0},
    # Overdue status updates: the sweeper reads Incident.next_update_due_at (incidents/tasks.py).
    "update-reminders": {"task": "incidents.tasks.sweep_update_reminders", "schedule": 30.0},
    # IC rotation after 4 hours and expired decision time-boxes (incidents/restore/sweepers.py).
    "restore-reminders": {"task": "incidents.tasks.sweep_restore_reminders", "schedule": 60.0},
    # Action items: each sweeper claims rows with a stamped column, so running it often (or twice) still sends once.
    "action-items-overdue-reminders": {"task": "action_items.tasks.sweep_overdue_reminders", "schedule": 15 * 60},
    "action-items-weekly-digest": {"task": "action_items.tasks.sweep_weekly_digests", "schedule": 60 * 60},
    "action-items-jira-retries": {"task": "action_items.tasks.sweep_jira_exports", "schedule": 60},
    # Maintenance windows start and complete on time: the sweeper reads their starts_at / ends_at columns.
    "status-page-maintenances": {"task": "statuspage.tasks.sweep_maintenances", "schedule": 30.0},
    # Subscribers: notices a lost task did not make, and deliveries whose retry time has come.
    "status-page-notifications": {"task": "statuspage.tasks.sweep_notifications", "schedule": 30.0},
    # The event stream out: deliveries due (after their back-off, or whose task was lost) are sent from their rows.
    "integrations-event-deliveries": {"task": "integrations.tasks.sweep_event_deliveries", "schedule": 15.0},
    "integrations-pages": {"task": "integrations.tasks.sweep_pages", "schedule": 60.0},
    # The dead-man's switch: endpoints that expect a heartbeat and went quiet declare "Monitoring is blind".
    "integrations-heartbeats": {"task": "integrations.tasks.sweep_heartbeats", "schedule": 60.0},
}

# The cache carries the worker heartbeat (and nothing that must survive): Redis across processes.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "warroom",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth, i18n, static ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "incidents:list"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
HTTPS = env_bool("HTTPS", False)  # served over TLS (directly or behind a proxy that sets X-Forwarded-Proto)
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)

# Every page's scripts are static files: no inline script, no eval, no inline style (accounts/ holds the tests).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],  # 'self' covers ws(s):// on this host for the live room
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Sign-in: local accounts (always, the break-glass path), OpenID Connect SSO, lockout --------
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",  # first: django-axes refuses a locked-out username and address unchecked
    "django.contrib.auth.backends.ModelBackend",
    "accounts.oidc.IdentityProviderBackend",  # answers only the SSO callback; idle without OIDC_ISSUER
]
# SSO is on when OIDC_ISSUER is set; the endpoints come from its discovery document, fetched on first use.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "") or "single sign-on"
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_ADMIN_GROUPS = [g.strip() for g in os.environ.get("OIDC_ADMIN_GROUPS", "").split(",") if g.strip()]
OIDC_OBSERVER_GROUPS = [g.strip() for g in os.environ.get("OIDC_OBSERVER_GROUPS", "").split(",") if g.strip()]
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT", 5.0)
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # sent back as id_token_hint when signing out at the provider
OIDC_CALLBACK_CLASS = "accounts.oidc.CallbackView"
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.SignInView"
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"

# Repeated wrong passwords lock that username from that address (an admin unlocks it in Admin › Users).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False

# API rates (ninja's "N/period"): per bearer token, and per address for calls without a valid token.
API_THROTTLE_RATES = {
    "token": os.environ.get("API_RATE_PER_TOKEN", "600/min"),
    "address": os.environ.get("API_RATE_PER_ADDRESS", "60/min"),
}
NINJA_NUM_PROXIES = 0  # the address is REMOTE_ADDR: X-Forwarded-For is not trusted to pick the throttle bucket

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serves static/ without collectstatic in embedded mode
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Product defaults (configurable) ---------------------------------------------------------
WARROOM = {
    "TITLE_MAX_LENGTH": 200,
    "BODY_MAX_LENGTH": 20_000,
    "ROOM_PAGE_SIZE": 100,  # entries rendered with the room; older ones load on demand
    "IC_ROTATION_AFTER": timedelta(hours=4),  # the room suggests a fresh Incident Commander after this
    # A responder may take command without an offer once the IC has been silent and away this long (admins: always).
    "TAKE_COMMAND_AFTER": timedelta(minutes=env_int("TAKE_COMMAND_AFTER_MINUTES", 15)),
    # Severities whose external updates the author may approve alone; elsewhere a second IC or Comms Lead approves.
    "SELF_APPROVAL_SEVERITIES": ("SEV4", "SEV5"),
    # "SEVERITY_RULES": [...],  # rows of incidents.severity_rules.SeverityRule; the default table lives there
    "REVIEW_BUSINESS_DAYS_MINOR": 10,  # postmortem review deadline for SEV3-5 (SEV1: 3 days, SEV2: 5 business days)
    "POSTMORTEM_MAX_LENGTH": 200_000,
    "WEBHOOK_MAX_BYTES": 512 * 1024,  # an Alertmanager group of a few hundred alerts fits
    "DELIVERY_RETENTION_DAYS": 30,
    # Minutes between status updates per severity (None: on change only). Env: UPDATE_CADENCE="SEV1=15,SEV2=30,...".
    "UPDATE_CADENCE_MINUTES": {"SEV1": 15, "SEV2": 30, "SEV3": 60, "SEV4": None, "SEV5": None},
    # An overdue update reminds the Comms Lead first, then the IC this many minutes later.
    "REMINDER_ESCALATION_MINUTES": env_int("REMINDER_ESCALATION_MINUTES", 10),
    # Resolved incidents stay on the public status page this long.
    "STATUS_PAGE_RECENT_DAYS": env_int("STATUS_PAGE_RECENT_DAYS", 7),
    # Action items: days until due when no date is given, by the incident's severity ("default" for the rest).
    "ACTION_ITEM_DUE_DAYS": {"SEV1": 15, "SEV2": 30, "default": 60},
    "ACTION_ITEM_TRACKER_PAGE_SIZE": 100,
    "ACTION_ITEM_DIGEST_WEEKDAY": 0,  # Monday (0) .. Sunday (6): the first sweep on or after it sends the week's digest
    # The public status page's branding (statuspage/branding.py); PUBLIC_URL defaults to SITE_URL + "/status/".
    "STATUS_PAGE": {
        "NAME": os.environ.get("STATUS_PAGE_NAME", "Service status"),
        "LOGO_URL": os.environ.get("STATUS_PAGE_LOGO_URL", ""),
        "ACCENT_COLOR": os.environ.get("STATUS_PAGE_ACCENT_COLOR", ""),
        "SUPPORT_URL": os.environ.get("STATUS_PAGE_SUPPORT_URL", ""),
        "PUBLIC_URL": os.environ.get("STATUS_PAGE_URL", ""),
    },
}
# Read here without judging, so a typo cannot stop the import; system check warroom.E001 reports what is wrong.
UPDATE_CADENCE_RAW = os.environ.get("UPDATE_CADENCE", "")
WARROOM["UPDATE_CADENCE_MINUTES"].update(parse_update_cadence(UPDATE_CADENCE_RAW)[0])

# --- Jira (action item export): unset JIRA_BASE_URL disables the export -------------------------
JIRA = {
    "BASE_URL": os.environ.get("JIRA_BASE_URL", "").rstrip("/"),
    "PROJECT_KEY": os.environ.get("JIRA_PROJECT_KEY", ""),
    "ISSUE_TYPE": os.environ.get("JIRA_ISSUE_TYPE", "Task"),
    "EMAIL": os.environ.get(
        "JIRA_EMAIL", ""
    ),  # with API_TOKEN: Jira Cloud basic auth; without: bearer (Data Center PAT)
    "API_TOKEN": os.environ.get("JIRA_API_TOKEN", ""),
    "TIMEOUT": env_float("JIRA_TIMEOUT", 10.0),
    "MAX_ATTEMPTS": env_int("JIRA_MAX_ATTEMPTS", 8),
}

# --- /metrics for Prometheus: a bearer token, or addresses allowed without one (both empty: closed) --------
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = os.environ.get("METRICS_ALLOWED_ADDRESSES", "")

# --- Outbound notifications -------------------------------------------------------------------
# Chat incoming webhooks for declare / update / reminder / resolve and action-item reminders; more in the admin.
SLACK_WEBHOOK_URL = os.environ.get("SLACK_WEBHOOK_URL", "")
TEAMS_WEBHOOK_URL = os.environ.get("TEAMS_WEBHOOK_URL", "")  # a Teams Workflows webhook: Adaptive Cards
MATTERMOST_WEBHOOK_URL = os.environ.get("MATTERMOST_WEBHOOK_URL", "")
# Timeout and retries of every chat webhook (the names predate Teams and Mattermost).
SLACK_TIMEOUT_SECONDS = env_float("SLACK_TIMEOUT_SECONDS", 5.0)
SLACK_MAX_RETRIES = env_int("SLACK_MAX_RETRIES", 5)
# Paging the on-call: one default PagerDuty target (Events API v2) besides those of the admin.
PAGING_URL = os.environ.get("PAGING_URL", "")
PAGING_ROUTING_KEY = os.environ.get("PAGING_ROUTING_KEY", "")
PAGING_MAX_RETRIES = env_int("PAGING_MAX_RETRIES", 5)


# --- Email (status page subscriptions) --------------------------------------------------------------------
def email_settings(url: str) -> dict:
    """EMAIL_URL as Django's EMAIL_* settings: smtp://user:pass@host:port, smtp+tls://... (STARTTLS),
    smtp+ssl://... (TLS from the start) or console:// (print mail to the console; also when unset)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url or "console://")
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in ("smtp", "smtp+tls", "smtp+ssl") or not parts.hostname:
        raise ValueError(
            f"EMAIL_URL {url!r}: use smtp://user:pass@host:port, smtp+tls://..., smtp+ssl://... or console://"
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[parts.scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
    }


if os.environ.get("EMAIL_URL") or not os.environ.get("EMAIL_HOST"):
    globals().update(email_settings(os.environ.get("EMAIL_URL", "")))
else:  # the usual EMAIL_* variables
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "status@localhost")
# Outgoing webhooks to loopback or private addresses are refused unless this is set (one self-hosted network).
WARROOM_OUTBOUND_ALLOW_PRIVATE = env_bool("WARROOM_OUTBOUND_ALLOW_PRIVATE", False)
