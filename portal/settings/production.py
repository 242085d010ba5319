"""Production (Docker Compose or the native stack): everything from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOG_DIR, LOGGING, REST_FRAMEWORK, SECRET_KEY, env

DEBUG = False
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("django-insecure", "change-me")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

# SECURITY: nginx terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Prometheus and the health probes reach web:8000 directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# No framing; Wagtail's own preview views allow their same-origin iframe themselves (and the
# Content-Security-Policy's frame-ancestors follows, see portal.core.csp).
X_FRAME_OPTIONS = "DENY"

# PROXIES: nginx stands in front (Compose, the native stack) and sets X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TRUSTED_PROXY_COUNT}

# LOGS: JSON lines to stdout (docker compose logs web) and to LOG_DIR/django.log, rotated.
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    **LOGGING,
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "django.log"),
            "maxBytes": env.int("LOG_MAX_BYTES", default=20 * 1024 * 1024),
            "backupCount": env.int("LOG_BACKUP_COUNT", default=10),
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {**LOGGING["root"], "handlers": ["console", "file"]},
}
