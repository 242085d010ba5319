"""Writes for centres and their people. Admin views and the API call these, never the ORM."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Site

from portal.accounts.models import User
from portal.centres.identity import PlatformAccountRefused, ensure_may_join, is_platform_account
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.centres.scoping import forget_centre_roles

# Model permissions are global in Django; which rows they reach is decided by visible_to(),
# so granting "change class" here lets an admin change *their centre's* classes only.
ADMIN_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "classes.add_schoolclass",
    "classes.change_schoolclass",
    "classes.delete_schoolclass",
    "classes.view_schoolclass",
    "classes.add_enrollment",
    "classes.change_enrollment",
    "classes.delete_enrollment",
    "classes.view_enrollment",
    "centres.add_membership",
    "centres.change_membership",
    "centres.delete_membership",
    "centres.view_membership",
    "centres.add_guardianship",
    "centres.change_guardianship",
    "centres.delete_guardianship",
    "centres.view_guardianship",
    "submissions.view_gradechange",
    "audit.view_centrelogentry",
    "people.view_invitation",
    *(f"whiteboard.{action}_whiteboard" for action in ("add", "change", "delete", "view")),
    *(
        f"{app}.{action}_{model}"
        for app, model in (("homework", "homework"), ("announcements", "announcement"))
        for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
    ),
]
# Teachers also hold "publish": the permission policy lets only trusted teachers
# (Membership.publishes_directly) use it, for their own centre and classes.
TEACHER_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "classes.view_schoolclass",
    "classes.view_enrollment",
    *(
        f"{app}.{action}_{model}"
        for app, model in (("homework", "homework"), ("announcements", "announcement"))
        for action in ("add", "change", "delete", "view", "publish", "lock", "unlock")
    ),
]
ADMIN_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
TEACHER_PAGE_PERMISSIONS = ["add_page", "change_page"]
ADMIN_COLLECTION_PERMISSIONS = [
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
]
TEACHER_COLLECTION_PERMISSIONS = [
    "wagtaildocs.add_document",
    "wagtaildocs.choose_document",
    "wagtailimages.add_image",
    "wagtailimages.choose_image",
]
STAFF_GROUP_ROLES = (Role.ADMIN, Role.TEACHER)


def _permissions(dotted: list[str]) -> list[Permission]:
    found = []
    for name in dotted:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def ensure_manages(*, by: User | None, centre: Centre) -> None:
    """Raise PermissionDenied unless `by` administers `centre` (None: a system action)."""
    if by is not None and not Centre.objects.managed_by(by).filter(pk=centre.pk).exists():
        raise PermissionDenied(f"You do not manage {centre}.")


@transaction.atomic
def centre_create(
    *,
    name: str,
    slug: str,
    timezone: str,
    contact_email: str,
    reminder_days_before: list[int] | None = None,
    digest_skip_empty: bool = True,
) -> Centre:
    """Create a centre with its home page, document collection and admin/teacher groups (and,
    through the schedules app, its reminder and digest schedules)."""
    from portal.home.models import CentreHomePage, HomePage

    centre = Centre(
        name=name,
        slug=slug,
        timezone=timezone,
        contact_email=contact_email,
        digest_skip_empty=digest_skip_empty,
    )
    if reminder_days_before is not None:
        centre.reminder_days_before = sorted(reminder_days_before)
    centre.full_clean()
    centre.save()

    platform_home = HomePage.objects.first()
    if platform_home is None:
        platform_home = Site.objects.get(is_default_site=True).root_page.specific
    home = platform_home.add_child(
        instance=CentreHomePage(title=centre.name, slug=centre.slug, centre=centre)
    )
    home.save_revision().publish()

    centre.collection = Collection.get_first_root_node().add_child(name=centre.name)
    centre.admin_group = Group.objects.create(name=f"{centre.name} — centre admins")
    centre.teacher_group = Group.objects.create(name=f"{centre.name} — teachers")
    centre.save(update_fields=["collection", "admin_group", "teacher_group"])
    centre_grant_permissions(centre=centre)
    return centre


def centre_grant_permissions(*, centre: Centre) -> None:
    """(Re)apply the permissions of the centre's groups; safe to run repeatedly."""
    grants = [
        (
            centre.admin_group,
            ADMIN_PERMISSIONS,
            ADMIN_PAGE_PERMISSIONS,
            ADMIN_COLLECTION_PERMISSIONS,
        ),
        (
            centre.teacher_group,
            TEACHER_PERMISSIONS,
            TEACHER_PAGE_PERMISSIONS,
            TEACHER_COLLECTION_PERMISSIONS,
        ),
    ]
    for group, model_perms, page_perms, collection_perms in grants:
        group.permissions.set(_permissions(model_perms))
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group, page=centre.home_page, permission=_page_permission(codename)
            )
        for permission in _permissions(collection_perms):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=centre.collection, permission=permission
            )


def _sync_staff_groups(*, user: User, centre: Centre) -> None:
    """Keep the user's centre groups in step with their roles there."""
    roles = set(
        Membership.objects.filter(user=user, centre=centre, is_active=True).values_list(
            "role", flat=True
        )
    )
    for role, group in ((Role.ADMIN, centre.admin_group), (Role.TEACHER, centre.teacher_group)):
        if group is None:
            continue
        if role in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    forget_centre_roles(user)


@transaction.atomic
def membership_add(
    *,
    centre: Centre,
    role: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    external_id: str = "",
    by: User | None = None,
) -> Membership:
    """Give a person a role at a centre: a new address gets a new account, which the centre
    keeps; an existing account only if it is already in the centre or the centre keeps it.
    Raises `ConsentNeeded` for anyone else (they are invited instead, see portal.people)
    and `PlatformAccountRefused` for platform accounts."""
    ensure_manages(by=by, centre=centre)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            created_by_centre=centre,
        )
    else:
        ensure_may_join(user=user, centre=centre)
        if password:
            # Only an account's owner sets its password.
            raise ValidationError(
                {"password": "This person already has an account; leave the password empty."}
            )
    membership = Membership.objects.filter(user=user, centre=centre, role=role).first()
    if membership is None:
        membership = Membership(
            user=user, centre=centre, role=role, external_id=external_id.strip()
        )
        membership.validate_constraints()  # a clear error for a taken external id
        membership.save()
    _sync_staff_groups(user=user, centre=centre)
    return membership


@transaction.atomic
def membership_accept(
    *, user: User, centre: Centre, role: str, external_id: str = ""
) -> Membership:
    """The person accepted the centre's invitation and takes the role there; their details
    stay theirs (the centre never writes them)."""
    if is_platform_account(user):
        raise PlatformAccountRefused
    membership = Membership.objects.filter(user=user, centre=centre, role=role).first()
    if membership is None:
        membership = Membership(user=user, centre=centre, role=role, external_id=external_id)
        try:
            membership.validate_constraints()
        except ValidationError:
            membership.external_id = ""  # the centre gave that id to someone else meanwhile
        membership.save()
    _sync_staff_groups(user=user, centre=centre)
    return membership


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    role: str,
    external_id: str = "",
    is_active: bool = True,
    publishes_directly: bool = False,
    by: User | None = None,
) -> Membership:
    """Change a member's role, external id, active state or publishing trust at their centre."""
    ensure_manages(by=by, centre=membership.centre)
    if (
        Membership.objects.filter(user=membership.user, centre=membership.centre, role=role)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError({"role": "This person already has that role at this centre."})
    membership.role = role
    membership.external_id = external_id.strip()
    membership.is_active = is_active
    membership.publishes_directly = publishes_directly and role == Role.TEACHER
    membership.full_clean(exclude=["user", "centre"])
    membership.save(update_fields=["role", "external_id", "is_active", "publishes_directly"])
    _sync_staff_groups(user=membership.user, centre=membership.centre)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None = None) -> None:
    """Remove a role; links that depended on it (guardianships, enrollments) go with it."""
    ensure_manages(by=by, centre=membership.centre)
    user, centre, role = membership.user, membership.centre, membership.role
    membership.delete()
    if role == Role.GUARDIAN:
        Guardianship.objects.filter(centre=centre, guardian=user).delete()
    elif role == Role.STUDENT:
        Guardianship.objects.filter(centre=centre, student=user).delete()
        user.enrollments.filter(school_class__centre=centre).delete()
    elif role == Role.TEACHER:
        for school_class in user.classes_taught.filter(centre=centre):
            school_class.teachers.remove(user)
    _sync_staff_groups(user=user, centre=centre)


@transaction.atomic
def guardianship_link(
    *,
    centre: Centre,
    guardian: User,
    student: User,
    relationship: str = Guardianship.Relationship.PARENT,
    by: User | None = None,
) -> Guardianship:
    """Link a guardian to a student; both must already belong to this centre in those roles."""
    ensure_manages(by=by, centre=centre)
    link = Guardianship(
        centre=centre, guardian=guardian, student=student, relationship=relationship
    )
    link.full_clean()
    link.save()
    return link
