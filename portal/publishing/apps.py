from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "portal.publishing"
    verbose_name = "Review and publishing"
