from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "portal.rosters"
    verbose_name = "Roster imports"
