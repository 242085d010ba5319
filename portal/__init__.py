"""School Portal: an admin-first Wagtail portal for organisations running several centres."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
