from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "portal.home"
    verbose_name = "Site pages"
