from django.apps import AppConfig


class ClassesConfig(AppConfig):
    name = "portal.classes"
    verbose_name = "Classes"
