from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SchedulesConfig(AppConfig):
    name = "portal.schedules"
    verbose_name = "Scheduled jobs"

    def ready(self) -> None:
        from portal.schedules import signals  # noqa: F401

        post_migrate.connect(_sync_after_migrate, sender=self)


def _sync_after_migrate(**kwargs) -> None:
    """Every centre has its reminder and digest schedules, whatever created the centre."""
    from portal.schedules.services import schedules_sync

    schedules_sync(using=kwargs.get("using", "default"))
