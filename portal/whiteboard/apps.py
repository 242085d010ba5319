from django.apps import AppConfig


class WhiteboardConfig(AppConfig):
    name = "portal.whiteboard"
    verbose_name = "Whiteboards"
