from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def regrant_centre_permissions(sender, **kwargs):
    """After every migrate, give each centre's groups the permissions the code now expects.

    post_migrate is sent once per app, in INSTALLED_APPS order, and each app's permissions
    are created by its own signal; only at the last app do they all exist.
    """
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from portal.centres.models import Centre
    from portal.centres.services import centre_grant_permissions

    for centre in Centre.objects.exclude(admin_group=None).select_related("home_page"):
        centre_grant_permissions(centre=centre)


class CentresConfig(AppConfig):
    name = "portal.centres"
    verbose_name = "Centres and people"

    def ready(self):
        post_migrate.connect(regrant_centre_permissions, dispatch_uid="regrant-centre-perms")
