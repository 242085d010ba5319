"""Test settings: the machine's real PostgreSQL and Redis (see tests/conftest.py)."""

import os

from .base import *  # noqa: F403
from .base import env, redis_roles

SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["testserver", "127.0.0.1", "localhost"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Redis database 1 and its own prefix: a test run never touches a running stack's cache,
# sessions, Celery queue or channels (those use database 0).
REDIS_PREFIX = "portal-test"
vars().update(redis_roles(env("REDIS_URL", default="redis://127.0.0.1:6379/1"), REDIS_PREFIX))
# In-process tests read mail from django.core.mail.outbox; worker processes started by the
# tests get EMAIL_URL pointing at a real SMTP server (aiosmtpd) and send through it.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test run has its own Celery queue; the workers it starts consume exactly that one.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"portal-test-{os.getpid()}")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Uploads made by tests (and by the processes they start) stay out of the repository.
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/school-portal-test/media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default="/tmp/school-portal-test/private")
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
    },
}
