"""Who may use the roster import screens at all; which imports they reach is visible_to()'s job."""

from __future__ import annotations

from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.accounts.models import User
from portal.centres.scoping import Role, centre_ids_where, is_platform_admin

#: "change" is confirming an import; nobody edits one (a corrected file is a new import).
ACTIONS = frozenset({"add", "change", "view", "delete"})


class CentreAdminPolicy(BasePermissionPolicy):
    """Centre admins and platform admins, without per-model permissions to keep in step."""

    def user_has_permission(self, user, action: str) -> bool:
        if action not in ACTIONS or not user.is_active:
            return False
        return is_platform_admin(user) or bool(centre_ids_where(user, Role.ADMIN))

    def users_with_any_permission(self, actions):
        if not ACTIONS & set(actions):
            return User.objects.none()
        admins = Q(memberships__role=Role.ADMIN, memberships__is_active=True)
        return User.objects.filter(Q(is_superuser=True) | admins, is_active=True).distinct()
