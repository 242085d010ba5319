"""Adding people to a centre, and the invitations that let an existing account join one.

`person_add` is what "Add member" and the API call: a new address gets an account the centre
keeps; an account already in the centre (or kept by it) gets the role at once; anyone else is
invited and joins when they accept (portal.centres.identity says why).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.centres import services as centre_services
from portal.centres.identity import ConsentNeeded, PlatformAccountRefused, is_platform_account
from portal.centres.models import Centre, Guardianship, Membership, Role
from portal.classes.models import Enrollment, SchoolClass
from portal.notifications.mail import absolute_url
from portal.notifications.services import Audience, notifications_are_suppressed, send_once
from portal.people.models import Invitation

#: Separates invitation links from every other signed value of the portal.
SIGNING_SALT = "portal.people"


def person_add(
    *,
    centre: Centre,
    role: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    external_id: str = "",
    by: User | None = None,
) -> Membership | Invitation:
    """Give a person a role at `centre`, or invite them when their account is not the
    centre's to attach (an `Invitation` is returned then)."""
    try:
        with transaction.atomic():
            return centre_services.membership_add(
                centre=centre,
                role=role,
                email=email,
                first_name=first_name,
                last_name=last_name,
                password=password,
                external_id=external_id,
                by=by,
            )
    except ConsentNeeded as needed:
        if password:
            raise ValidationError(
                {"password": "This person already has an account; leave the password empty."}
            ) from None
        return invitation_offer(
            centre=centre,
            user=needed.user,
            email=email,
            role=role,
            external_id=external_id,
            by=by,
        )


@transaction.atomic
def invitation_offer(
    *,
    centre: Centre,
    user: User,
    email: str,
    role: str,
    external_id: str = "",
    classes: Iterable[int] = (),
    children: Iterable[tuple[int, str]] = (),
    guardians: Iterable[tuple[int, str]] = (),
    by: User | None = None,
) -> Invitation:
    """Invite `user` to join `centre` as `role`, bringing the places listed; an open
    invitation for the same role is brought up to date instead (and not sent again). The
    e-mail goes out once the transaction commits."""
    centre_services.ensure_manages(by=by, centre=centre)
    if is_platform_account(user):
        raise PlatformAccountRefused
    invitation = (
        Invitation.objects.select_for_update()
        .filter(centre=centre, user=user, role=role)
        .pending()
        .first()
    )
    is_new = invitation is None
    if is_new:
        invitation = Invitation(
            centre=centre,
            user=user,
            role=role,
            nonce=secrets.token_hex(8),
            invited_by=by,
        )
    invitation.email = email.strip().lower()
    invitation.external_id = external_id.strip() or invitation.external_id
    invitation.classes = sorted(set(invitation.classes) | set(classes))
    invitation.children = _merged(invitation.children, children)
    invitation.guardians = _merged(invitation.guardians, guardians)
    invitation.save()
    if is_new:
        _send_after_commit(invitation)
    return invitation


def _merged(current: list, more: Iterable[tuple[int, str]]) -> list[list]:
    pairs = {person: relationship for person, relationship in current}
    pairs.update(dict(more))
    return [[person, relationship] for person, relationship in sorted(pairs.items())]


def _send_after_commit(invitation: Invitation) -> None:
    from portal.people.tasks import send_invitation  # tasks import this module

    if notifications_are_suppressed():
        return
    Invitation.objects.filter(pk=invitation.pk).update(sendings=invitation.sendings + 1)
    invitation.sendings += 1
    generation = invitation.sendings
    transaction.on_commit(lambda: send_invitation.delay(invitation.pk, generation))


def invitation_link(invitation: Invitation) -> str:
    """The invitation's address: signed, and dead once it is sent again."""
    token = signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SIGNING_SALT)
    return absolute_url(reverse("people:invitation", args=[token]))


class InvitationLinkInvalid(Exception):
    """A link that was tampered with, or that names no invitation."""


def invitation_from_link(token: str) -> Invitation:
    """The invitation a link names (in whatever state). Raises `InvitationLinkInvalid`."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
        invitation = Invitation.objects.select_related("centre").get(pk=data["i"])
    except (signing.BadSignature, KeyError, TypeError, Invitation.DoesNotExist):
        raise InvitationLinkInvalid from None
    if not secrets.compare_digest(str(data.get("n", "")), invitation.nonce):
        raise InvitationLinkInvalid  # sent again since: only the newest link works
    return invitation


def _ensure_answerable(invitation: Invitation, by: User) -> None:
    if invitation.user_id != by.pk:
        raise PermissionDenied("This invitation is for another account.")
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(f"This invitation is {invitation.get_state_display().lower()}.")


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User) -> Membership:
    """The invited person joins: the role, then every class place and guardian link the
    invitation brings whose other side still belongs to the centre."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _ensure_answerable(invitation, by)
    centre = invitation.centre
    membership = centre_services.membership_accept(
        user=by, centre=centre, role=invitation.role, external_id=invitation.external_id
    )
    classes = SchoolClass.objects.filter(centre=centre, pk__in=invitation.classes)
    if invitation.role == Role.STUDENT:
        for school_class in classes.exclude(enrollments__student=by):
            Enrollment.objects.create(school_class=school_class, student=by)
    elif invitation.role == Role.TEACHER:
        for school_class in classes:
            school_class.teachers.add(by)
    if invitation.role == Role.GUARDIAN:
        _link(centre, [(by.pk, child, relation) for child, relation in invitation.children])
    elif invitation.role == Role.STUDENT:
        _link(centre, [(guardian, by.pk, relation) for guardian, relation in invitation.guardians])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def _link(centre: Centre, links: list[tuple[int, int, str]]) -> None:
    """Guardian links whose guardian and student both hold their roles at the centre now."""
    members = Membership.objects.filter(centre=centre, is_active=True)
    guardians = set(members.filter(role=Role.GUARDIAN).values_list("user_id", flat=True))
    students = set(members.filter(role=Role.STUDENT).values_list("user_id", flat=True))
    Guardianship.objects.bulk_create(
        [
            Guardianship(
                centre=centre, guardian_id=guardian, student_id=student, relationship=relation
            )
            for guardian, student, relation in links
            if guardian in guardians and student in students
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by: User) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _ensure_answerable(invitation, by)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])


def invitation_email(*, invitation: Invitation, generation: int) -> int:
    """Send one sending of an invitation, once (the exactly-once sender), unless it has been
    answered or sent again since. Not a newsletter: no unsubscribe applies."""
    if invitation.state != Invitation.State.PENDING or generation != invitation.sendings:
        return 0
    return send_once(
        item=invitation,
        centre=invitation.centre,
        generation=generation,
        audience=Audience(recipients=[invitation.user], guardian_links={}),
        template="people/join",
        context={
            "invitation": invitation,
            "role": Role(invitation.role).label.lower(),
            "children": invitation_children(invitation),
            "link": invitation_link(invitation),
        },
    )


def invitation_children(invitation: Invitation) -> list[str]:
    """The names of the children a parent is invited for (the centre's own students)."""
    people = User.objects.in_bulk([child for child, _relationship in invitation.children])
    return [str(people[child]) for child, _relationship in invitation.children if child in people]
