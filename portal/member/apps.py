from django.apps import AppConfig


class MemberConfig(AppConfig):
    name = "portal.member"
    verbose_name = "Member site"
