from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "portal.homework"
    verbose_name = "Homework"
