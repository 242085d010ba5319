"""Per-object rights for reviewed content, on top of the model permissions groups grant."""

from __future__ import annotations

from wagtail.permission_policies.base import ModelPermissionPolicy

from portal.publishing.models import user_may_publish

OBJECT_ACTIONS = {"change", "delete", "lock", "unlock"}
PUBLISH_ACTIONS = {"publish", "unpublish"}


class CentreContentPermissionPolicy(ModelPermissionPolicy):
    """Teachers change their own classes' content; only admins and trusted teachers publish."""

    def user_has_permission(self, user, action):
        if action in PUBLISH_ACTIONS and not user_may_publish(user):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not super().user_has_permission(user, action):
            return False
        if action in PUBLISH_ACTIONS:
            return user_may_publish(user, instance)
        if action in OBJECT_ACTIONS:
            return self.model.objects.editable_by(user).filter(pk=instance.pk).exists()
        return True

    def instances_user_has_permission_for(self, user, action):
        if not super().user_has_permission(user, action):
            return self.model.objects.none()
        if action in OBJECT_ACTIONS | PUBLISH_ACTIONS:
            return self.model.objects.editable_by(user)
        return self.model.objects.visible_to(user)
