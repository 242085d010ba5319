"""Settings shared by every way the portal runs; values come from the environment."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_CODE = "en-gb"
USE_I18N = True
SITE_ID = 1
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Where the portal is reached from outside; used in e-mails and by Wagtail.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
WAGTAIL_SITE_NAME = "School Portal"

# DATABASES
# ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/school_portal")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The same PostgreSQL backend, counting queries, errors and their durations for /metrics.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    # Server-side prepared statements: the hot reads run the same SQL over and over with other
    # ids, and their scoping subqueries cost more to plan than to run. psycopg prepares a query
    # on a connection after it has run there this often. Needs a direct connection (or a pooler
    # in session mode): set DATABASE_PREPARE_THRESHOLD=off behind a transaction-mode pooler.
    DATABASE_PREPARE_THRESHOLD = env("DATABASE_PREPARE_THRESHOLD", default="5")
    if DATABASE_PREPARE_THRESHOLD != "off":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(DATABASE_PREPARE_THRESHOLD)
        )

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "corsheaders",
    "channels",
    "django_celery_beat",
    "import_export",
    "django_prometheus",
    "allauth",
    "allauth.account",
]
LOCAL_APPS = [
    "portal.core",
    "portal.accounts",
    "portal.centres",
    "portal.classes",
    "portal.home",
    "portal.publishing",
    "portal.notifications",
    "portal.homework",
    "portal.announcements",
    "portal.rosters",
    "portal.submissions",
    "portal.member",
    "portal.whiteboard",
    "portal.reports",
    "portal.digests",
    "portal.reminders",
    "portal.schedules",
    "portal.audit",
    "portal.people",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Signing in, out, password reset and change, and e-mail changes are django-allauth's; the
# Wagtail admin signs in through the same pages (and the same rate limits).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "member:dashboard"
LOGOUT_REDIRECT_URL = "account_login"
WAGTAILADMIN_LOGIN_URL = "account_login"
# Staff change and reset passwords on the same (rate-limited) pages as everyone else.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
ACCOUNT_ADAPTER = "portal.accounts.adapter.PortalAccountAdapter"
ACCOUNT_FORMS = {"login": "portal.accounts.forms.PortalLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Centres decide who exists (rosters, "Add member"): nobody signs themselves up, and an
# address a centre typed needs no confirming; a *change* of address is confirmed from the new
# address, and the old one is told.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an address with no account sends nothing (and the page reads the same).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PORTAL_BASE_URL.startswith("https") else "http"
# Sign-in limits count per account and per account and address, so a class signing in
# together from one school network all get in, while guessing one account's password stops:
# allauth refuses a further attempt until the window has passed. The per-address ceilings are
# only against one address hammering many accounts; nginx keeps a coarser one.
ACCOUNT_RATE_LIMITS = {
    "login": env("LOGIN_RATE_PER_ADDRESS", default="600/m/ip"),
    # Wrong passwords per account, from anywhere: 10 within 15 minutes, then 20 within an
    # hour; each tier keeps the account closed for longer (portal.accounts.adapter).
    "login_failed": env("LOGIN_FAILED_RATE", default="300/m/ip,10/15m/key,20/h/key"),
    "reset_password": env("PASSWORD_RESET_RATE", default="60/m/ip,3/15m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# …and per account *and* address: a guesser at one address is stopped after 5.
LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS = env(
    "LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS", default="5/5m/key"
)
# How long an invitation link works.
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    # Outermost pair: request latency, status and error counts for /metrics (django-prometheus).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "portal.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.core.middleware.CentreAdminScopeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# CONTENT SECURITY POLICY (django-csp, portal.core.csp): scripts from our own origin only, and
# inline ones only with the response's nonce (Wagtail's admin has a few; templates/wagtailadmin/
# gives them the nonce); styles may be inline (the admin and the digests, made from e-mail HTML,
# use style attributes); no plugins; no framing, except of an answer a view lets its own site
# frame (X-Frame-Options SAMEORIGIN, Wagtail's preview panel), which gets frame-ancestors 'self'.
# ------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # ReDoc (the API's documentation page) renders in a worker made from a blob.
        "worker-src": [SELF, "blob:"],
    },
}
# Widgets render through TEMPLATES (and "django.forms"), so the date and time pickers' templates
# in templates/wagtailadmin/widgets/ are the ones used.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# Avatars come from the portal itself: gravatar.com is not an allowed image source (and would
# learn who uses the admin).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# TEMPLATES / STATIC / MEDIA
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.member.context_processors.member",
            ],
        },
    },
]
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The seed's nginx accepts 100 MB; Django streams anything over 2.5 MB to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# PRIVATE FILES: uploads (rosters, submissions) live outside MEDIA_ROOT, so no public URL
# reaches them; they are handed out only after a permission check: "django" streams them from
# this process (embedded mode); "nginx" answers with X-Accel-Redirect to an internal location
# (production), one per storage root.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
PRIVATE_FILES_SERVER = env("PRIVATE_FILES_SERVER", default="django")
PRIVATE_FILES_ACCEL_LOCATIONS = {
    "private": env("PRIVATE_FILES_ACCEL_PRIVATE", default="/_protected/private/"),
    "media": env("PRIVATE_FILES_ACCEL_MEDIA", default="/_protected/media/"),
}

SUBMISSION_MAX_FILE_BYTES = 100 * 1024 * 1024
SUBMISSION_MAX_TOTAL_BYTES = 250 * 1024 * 1024
SUBMISSION_MAX_FILES = 10
# Roster zips (OneRoster bundles, XLSX): refused from their directory before anything unpacks.
ROSTER_ZIP_MAX_BYTES = env.int("ROSTER_ZIP_MAX_BYTES", default=256 * 1024 * 1024)
ROSTER_ZIP_MAX_MEMBER_BYTES = env.int("ROSTER_ZIP_MAX_MEMBER_BYTES", default=128 * 1024 * 1024)


# REDIS: cache, sessions, Celery broker and channel layer (the seed's four roles)
# ------------------------------------------------------------------------------
def redis_db(url: str) -> str:
    return urlparse(url).path.strip("/") or "0"


def redis_roles(url: str, prefix: str) -> dict:
    """Settings that put the cache, sessions, broker and channel layer on one Redis."""
    return {
        "REDIS_URL": url,
        "CACHES": {
            "default": {
                # django-redis, counting cache hits and misses for /metrics.
                "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            }
        },
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": prefix},
            },
            # A stroke goes to a whole class: pub/sub hands each daphne one copy to fan out to
            # its own connections, where the default layer costs a Redis round trip per
            # connection. Its at-most-once delivery is enough here: every op is in the board's
            # log, and a connection that sees a gap in the seqs fills it from there. Pub/sub
            # names ignore the database number, so the prefix carries it.
            "whiteboard": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": f"{prefix}:{redis_db(url)}:whiteboard:"},
            },
        },
    }


REDIS_PREFIX = env("REDIS_PREFIX", default="portal")
vars().update(redis_roles(env("REDIS_URL", default="redis://127.0.0.1:6379/0"), REDIS_PREFIX))

# CELERY
# ------------------------------------------------------------------------------
CELERY_TIMEZONE = "UTC"
# One queue per installation, so two stacks sharing a Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
# Tasks are idempotent: acknowledge after running so a killed worker's task is redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Longer than any countdown/eta we use, so Redis does not redeliver a waiting task early.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
# django-celery-beat's database scheduler, behind a lock: a second beat stands by.
CELERY_BEAT_SCHEDULER = "portal.schedules.beat:SingleBeatScheduler"
BEAT_LOCK_TTL = env.float("BEAT_LOCK_TTL", default=30.0)
BEAT_LOCK_FILE = env("BEAT_LOCK_FILE", default=str(BASE_DIR / "var" / "beat.lock"))
# Centres' jobs run in each centre's time zone; platform jobs (the nightly clean-up) in this one.
PLATFORM_TIME_ZONE = env("PLATFORM_TIME_ZONE", default="Europe/London")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# E-MAIL
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="smtp://127.0.0.1:1025")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="School Portal <portal@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10

# WAGTAIL
# ------------------------------------------------------------------------------
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILSNIPPETS_MENU_SHOW_ALL = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024

# PROXIES: how many proxies of ours stand in front of Django, each replacing X-Forwarded-For
# with the address it saw (nginx: 1; embedded mode and the tests: none). The client's address
# (rate limits, /metrics, logs) is read by this one rule (portal.core.client_address), by DRF
# and by django-allauth; whatever a client writes into the header is never trusted.
# ------------------------------------------------------------------------------
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# REST FRAMEWORK / JWT / OPENAPI / CORS
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    # DRF's anon/user throttles, counting with one cache increment per call (see the module).
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.AnonRateThrottle",
        "portal.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="60/minute"),
        "user": env("API_USER_RATE", default="1200/minute"),
        # A ceiling per address, high enough for a school signing in through one network.
        "login_ip": env("API_LOGIN_IP_RATE", default="600/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "USER_ID_CLAIM": "user_id",
}
SPECTACULAR_SETTINGS = {
    # Swagger UI and ReDoc served from our own static files: no CDN, and the
    # Content-Security-Policy's 'self' covers them.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the public validator service (another site the page would call).
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    "TITLE": "School Portal API",
    "DESCRIPTION": (
        "REST API v1 for apps and school information systems. Authenticate with "
        "`POST /api/v1/auth/token/` and send `Authorization: Bearer <access>`. Every resource "
        "is scoped to the caller's centres and roles: another centre's object is a 404."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["portal.api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.closed_request_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {"RoleEnum": "portal.centres.scoping.Role"},
}
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# MONITORING: /metrics for these addresses only (nginx refuses it from outside as well),
# backups (deploy/backup.sh) and logs (production writes LOG_DIR/django.log).
# ------------------------------------------------------------------------------
METRICS_ALLOWED_IPS = env.list(
    "METRICS_ALLOWED_IPS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
)
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
LOG_DIR = Path(env("LOG_DIR", default=str(BASE_DIR / "logs")))

# LOGGING: one line per request with its id (portal.core.requestlog)
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.core.requestlog.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.core.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
