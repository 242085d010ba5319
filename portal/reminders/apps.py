from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "portal.reminders"
    verbose_name = "Homework reminders"
