from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "portal.submissions"
    verbose_name = "Submissions and grades"
