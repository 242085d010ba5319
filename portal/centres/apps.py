from django.apps import AppConfig


class CentresConfig(AppConfig):
    name = "portal.centres"
    verbose_name = "Centres and people"
