from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    verbose_name = "Notifications"

    def ready(self):
        from portal.notifications import signals

        signals.connect()
