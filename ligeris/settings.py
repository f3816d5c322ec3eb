"""Ligeris settings, read from the environment.

With nothing set, the embedded default runs: SQLite file, eager Celery, e-mail to the console.
`DATABASE_URL` selects PostgreSQL, `CELERY_BROKER_URL` a Redis broker with a real worker and
beat, `DJANGO_ENV=production` the hardened deployment settings. A bad value raises
ImproperlyConfigured at start-up rather than running half-configured.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ligeris.lib.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LIGERIS_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", {"development", "production", "test"}, "development")
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET = "dev-only-secret-key-not-for-production-0123456789abcdefghij"
SECRET_KEY = env_str("SECRET_KEY") if PRODUCTION else env_str("SECRET_KEY", _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 varied characters in production.")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on in production.")

ALLOWED_HOSTS = (
    env_list("ALLOWED_HOSTS", [])
    if PRODUCTION
    else env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tables2",
    "django_filters",
    "auditlog",
    "csp",
    "partners",
    "accounts",
    "titres",
    "billing",
    "governance",
    "membership",
    "programme",
    "catalogue",
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ligeris.lib.middleware.PrivateNoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ligeris.lib.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partners.consortia.ConsortiumMiddleware",
    "partners.consortia.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.session_lifetime.SessionLifetimeMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "ligeris.urls"
WSGI_APPLICATION = "ligeris.wsgi.application"

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
                "ligeris.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", None)
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or postgresql:// URL.")
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    DATABASES["default"]["TEST"] = {"NAME": env_str("DATABASE_TEST_NAME", None)}
    # No JIT: the balance subqueries of the titre lists cost past `jit_above_cost`, and compiling
    # took 285 ms of the overdue count's 1 s at 11,500 titres, for short queries it never repays.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if DJANGO_ENV == "test":
        # Tests empty the tables between transactional tests; elsewhere a flush is refused.
        DATABASES["default"]["ENGINE"] = "ligeris.lib.postgresql"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "ligeris.lib.sqlite3",
            "NAME": VAR_DIR / "ligeris.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: a real, shared one, because allauth's rate limits count in it ------------------
_cache_url = env_str("CACHE_URL", None)
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis:// URL.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ligeris_cache",
        }
    }

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
if DJANGO_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Ligeris] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # The 6th failed attempt for one e-mail within 5 minutes is refused.
    "login_failed": "10/m/ip,5/5m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Ligeris"
#: Finance staff and secretaries must set up TOTP before using the application.
LIGERIS_REQUIRE_2FA = env_bool("LIGERIS_REQUIRE_2FA", default=PRODUCTION)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

#: Where links in e-mails point to.
LIGERIS_BASE_URL = env_str("LIGERIS_BASE_URL", "http://127.0.0.1:8000")

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ligeris <ne-pas-repondre@ligeris.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", None)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST is required in production.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", None)
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis:// URL.")
if PRODUCTION and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL is required in production.")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Faults (docs/RELIABILITY.md §4): a task is acknowledged once done, so a worker killed under it
# leaves it to another; every task is idempotent, so running it again is safe.
CELERY_TASK_ACKS_LATE = True
# A pool child killed (kill -9, the OOM killer) puts its task back at once, instead of failing it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A whole worker lost: Redis hands its unacknowledged task to another worker after this many
# seconds. Above the longest task (a chunk of 50 PDFs, a recap workbook: minutes) and the
# longest retry countdown (32 s), so a running task is never handed out twice; short enough
# that a batch waits a quarter of an hour at worst.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=1),
    # How often a worker looks for such tasks (kombu's default: every 10th tick of 10 s).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1),
    "unacked_restore_throttle": 1,
}
# Redis restarted: the worker reconnects for ever; publishing (a chain's next task, a chord's
# callback) and the results (which the chord counts) are retried for about half a minute.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 12,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 3,
}
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 12
# Typst keeps its layout caches between compiles (a worker grew to ~750 MiB over a batch): a
# worker process past this resident size (KiB) finishes its task and is replaced by a fresh one.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", 400_000, minimum=100_000
)
# The prefork pool (`--pool=prefork`, the default, means this one), its replaced processes
# started within 0.5 s instead of up to 5 s (`ligeris/celery_prefork.py`).
CELERY_WORKER_POOL = "ligeris.celery_prefork:TaskPool"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # From 1 October, remind the coordinator of bodies behind their yearly minimum of meetings.
    "governance-meeting-frequency": {
        "task": "governance.tasks.check_meeting_frequency",
        "schedule": crontab(hour=7, minute=0),
    },
    # Six months before the convention's end, ask the coordinator to consult the partners.
    "membership-consult-before-term": {
        "task": "membership.tasks.consult_before_term",
        "schedule": crontab(hour=7, minute=10),
    },
    # A withdrawal becomes effective on its date: the partner is withdrawn, its tenants close.
    "membership-apply-withdrawals": {
        "task": "membership.tasks.apply_due_withdrawals",
        "schedule": crontab(hour=0, minute=30),
    },
    # A validated change of representative applies on its date: the people and seats follow.
    "partners-apply-contact-changes": {
        "task": "partners.tasks.apply_due_contact_changes",
        "schedule": crontab(hour=0, minute=40),
    },
    # The purchase-order e-mails whose task was lost (broker down at the commit) are sent late.
    "billing-unsent-order-notices": {
        "task": "billing.tasks.send_unsent_order_notices",
        "schedule": crontab(minute="*/15"),
    },
    # Monday morning: each partner user's inbox digest, once a week (unless turned off).
    "membership-inbox-digests": {
        "task": "membership.tasks.send_inbox_digests",
        "schedule": crontab(hour=7, minute=20, day_of_week=1),
    },
}

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
#: Checked on the server by accounts.session_lifetime: 30 minutes idle, 12 hours in all.
LIGERIS_SESSION_IDLE_SECONDS = 30 * 60
LIGERIS_SESSION_ABSOLUTE_SECONDS = 12 * 3600
SESSION_COOKIE_AGE = LIGERIS_SESSION_ABSOLUTE_SECONDS
# The session's last activity is written at most once a minute (a write per request would cost
# every page a query); in tests every ten minutes, so that two requests of a query-count test on
# a loaded machine do not count a refresh between them (the timeout tests step by 15 minutes).
LIGERIS_SESSION_TOUCH_SECONDS = 600 if DJANGO_ENV == "test" else 60
# The attendance sheet of a body of 2,000 seats posts two fields a seat, the vote sheet of 3,000
# tenants one or two a tenant: Django's 1,000 refused them. The body stays capped at 2.5 MB.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
#: The programme's uploads: a deliverable's PDF, a meeting's audio recording (in Mo).
PROGRAMME_DELIVERABLE_MAX_BYTES = env_int("PROGRAMME_DELIVERABLE_MAX_MB", 20, minimum=1) * 1024**2
PROGRAMME_AUDIO_MAX_BYTES = env_int("PROGRAMME_AUDIO_MAX_MB", 200, minimum=1) * 1024**2
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Tables and logging ---------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "data-table"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO: only its warnings are worth reading.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}
