"""Test settings: the machine's real PostgreSQL and Redis (see tests/conftest.py)."""

from .base import *  # noqa: F403
from .base import env, redis_roles

SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["testserver", "127.0.0.1", "localhost"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Redis database 1 and its own prefix: a test run never touches a running stack's cache,
# sessions, Celery queue or channels (those use database 0).
vars().update(redis_roles(env("REDIS_URL", default="redis://127.0.0.1:6379/1"), "portal-test"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Static files come from the app folders through WhiteNoise's finders; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Generous API rates so the role matrix and schemathesis are not throttled; the throttling
# tests set their own low rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/minute",
        "user": "100000/minute",
        "login_ip": "100000/minute",
        "login_account": "100000/minute",
    },
}
