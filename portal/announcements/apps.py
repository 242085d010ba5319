from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "portal.announcements"
    verbose_name = "Announcements"
