"""Embedded mode (`make run`): no external services, everything in files under var/."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="embedded-mode-only-not-a-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Everything embedded mode writes lives here (the tests point it at a temporary folder).
VAR_DIR = Path(env("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# SQLite waits for the worker's writes instead of failing with "database is locked".
DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions must survive restarts and be shared with nothing else: the database is enough here.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
IN_PROCESS_LAYER = {"BACKEND": "channels.layers.InMemoryChannelLayer"}
CHANNEL_LAYERS = {"default": IN_PROCESS_LAYER, "whiteboard": IN_PROCESS_LAYER}

# Background jobs really run: a Celery worker and beat share a broker made of folders.
CELERY_QUEUE_DIR = VAR_DIR / "celery"
BEAT_LOCK_FILE = str(VAR_DIR / "beat.lock")
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
CELERY_BROKER_URL = "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
    "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
    "control_folder": str(CELERY_QUEUE_DIR / "control"),
    "store_processed": False,
}
CELERY_RESULT_BACKEND = f"file://{CELERY_QUEUE_DIR / 'results'}"
for folder in ("queue", "control", "results"):
    (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

# E-mail lands as files a person can open: var/mail/*.log
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
# …and readable at /dev/mailbox/ (platform admin).
DEV_MAILBOX_DIR = EMAIL_FILE_PATH

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the app folders through WhiteNoise's finders; nothing is collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
