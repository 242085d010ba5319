from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    verbose_name = "Portal core"

    def ready(self):
        from portal.core.csp import nonce_wagtail_chooser_scripts

        nonce_wagtail_chooser_scripts()
