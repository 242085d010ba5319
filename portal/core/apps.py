from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    verbose_name = "Portal core"
