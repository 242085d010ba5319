"""The one scoped query path: every read of centre-owned data goes through `visible_to(user)`.

A model opts in by using a manager built from `CentreScopedQuerySet` and naming the path to its
centre in `centre_path`. Admin viewsets, the API, consumers and tasks call `visible_to(user)`;
nothing else filters by centre on its own, so no code path can forget the filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Self

from django.db import connection, models

if TYPE_CHECKING:
    from portal.accounts.models import User


class Role(models.TextChoices):
    ADMIN = "admin", "Centre admin"
    TEACHER = "teacher", "Teacher"
    STUDENT = "student", "Student"
    GUARDIAN = "guardian", "Parent / guardian"


def centre_roles(user: User) -> dict[int, frozenset[str]]:
    """Map of centre id → roles the user holds there; cached on the user object for the request."""
    cached = getattr(user, "_portal_centre_roles", None)
    if cached is not None:
        return cached
    from portal.centres.models import Membership

    # Every scoped read of every request starts here, so it is one plain statement: through the
    # ORM, building and running even this query costs three times as much.
    table = Membership._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "centre_id", "role" FROM "{table}" WHERE "user_id" = %s AND "is_active" = %s',
            [user.pk, True],
        )
        held = cursor.fetchall()
    roles: dict[int, set[str]] = {}
    for centre_id, role in held:
        roles.setdefault(centre_id, set()).add(role)
    cached = {centre_id: frozenset(found) for centre_id, found in roles.items()}
    user._portal_centre_roles = cached
    return cached


def forget_centre_roles(user: User) -> None:
    """Drop the cached roles after memberships change."""
    user.__dict__.pop("_portal_centre_roles", None)


def centre_ids_where(user: User, *roles: str) -> list[int]:
    """Ids of centres where the user holds any of `roles` (any role at all when none given)."""
    wanted = set(roles)
    return sorted(
        centre_id for centre_id, held in centre_roles(user).items() if not wanted or held & wanted
    )


def centres_subquery(user: User, *roles: str):
    """The same centres as `centre_ids_where`, as a subquery the database resolves inside the
    query that uses it: visible_to costs one round trip, not two."""
    from portal.centres.models import Membership

    held = Membership.objects.filter(user=user, is_active=True)
    if roles:
        held = held.filter(role__in=roles)
    return held.values("centre_id")


#: A filter no row passes; Django answers a query filtered by it without asking the database.
NOTHING = models.Q(pk__in=[])


def role_filter(
    user: User, centre_path: str, **branches: models.Q | Callable[[], models.Q]
) -> models.Q:
    """What a member sees, role by role: `branches` maps a role ("admin", "teacher", "student",
    "guardian") to the rows it shows, and each branch counts only at the centres where the user
    holds that role, actively (rows whose `centre_path` is among them). Deactivating a
    membership therefore takes away exactly what that role showed, and nothing else.

    The centres are ids from the user's roles, read once per request (`centre_roles`). A role
    the user holds nowhere drops out of the query before its branch is built (a branch may be
    a callable for that), so a student's query holds only the student's rule."""
    held = centre_roles(user)
    rule = None
    for role, branch in branches.items():
        centres = sorted(centre for centre, roles in held.items() if Role(role) in roles)
        if not centres:
            continue
        part = models.Q(**{f"{centre_path}__in": centres}) & (
            branch() if callable(branch) else branch
        )
        rule = part if rule is None else rule | part
    return NOTHING if rule is None else rule


def any_role(branch: models.Q) -> dict[str, models.Q]:
    """`role_filter` branches giving every role the same rows: what is addressed to the person
    (a notice, a reminder, their own membership), read while they hold any role at its centre."""
    return dict.fromkeys(Role.values, branch)


def centre_id_of(instance: models.Model) -> int | None:
    """The id of the centre a centre-owned object belongs to, following its model's
    `centre_path` (one query per relation crossed that is not loaded yet)."""
    path = type(instance)._default_manager.get_queryset().centre_path.split("__")
    owner = instance
    for relation in path[:-1]:
        owner = getattr(owner, relation, None)
        if owner is None:
            return None
    return owner.pk if path[-1] == "pk" else getattr(owner, f"{path[-1]}_id")


def is_platform_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class CentreScopedQuerySet(models.QuerySet):
    """Base queryset of every centre-owned model."""

    #: Lookup path from this model to its Centre, e.g. "centre" or "school_class__centre".
    centre_path: str = "centre"
    #: True when `member_filter` crosses only single-valued relations (or uses `__in`
    #: subqueries), so it can filter directly; otherwise rows could repeat and it is applied
    #: as a semi-join.
    member_filter_is_single_valued: bool = False

    def in_centres(self, centre_ids: Iterable[int]) -> Self:
        return self.filter(**{f"{self.centre_path}__in": list(centre_ids)})

    def visible_to(self, user: User | None) -> Self:
        """Rows this user may see. Anonymous and inactive users see nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if self.member_filter_is_single_valued:
            return self.filter(self.member_filter(user))
        # A semi-join rather than .distinct(): member filters may cross many-to-many relations,
        # and DISTINCT would fight with ordering and annotations added later.
        visible = self.model._base_manager.filter(self.member_filter(user)).values("pk")
        return self.filter(pk__in=visible)

    def managed_by(self, user: User | None) -> Self:
        """Rows this user may change as an administrator of their centre."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(**{f"{self.centre_path}__in": centres_subquery(user, Role.ADMIN)})

    def member_filter(self, user: User) -> models.Q:
        """What a non-platform user sees; by default, their admin centres' rows. Models that
        show rows to other roles widen it with `role_filter`."""
        return role_filter(user, self.centre_path, admin=models.Q())

    def is_visible_to(self, user: User | None, pk) -> bool:
        return self.visible_to(user).filter(pk=pk).exists()
