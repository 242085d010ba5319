from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "portal.digests"
    verbose_name = "Weekly digests"
