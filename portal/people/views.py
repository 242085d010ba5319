"""The page an invitation links to: see what the centre offers, then accept or decline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from portal.centres.scoping import Role
from portal.people import services
from portal.people.models import Invitation


def answer(request, token: str):
    try:
        invitation = services.invitation_from_link(token)
    except services.InvitationLinkInvalid:
        return _unusable(
            request,
            "This invitation link is not valid. It may have been sent "
            "again since: use the newest e-mail, or ask the centre for a new one.",
        )
    if invitation.state != Invitation.State.PENDING:
        return _unusable(request, f"This invitation is {invitation.get_state_display().lower()}.")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != invitation.user_id:
        # Never say whose it is: the signed-in person may not know the invited address.
        return _unusable(
            request,
            "This invitation is for another account. Sign out, then sign in with the address "
            "the invitation was sent to.",
            status=403,
        )
    if request.method == "POST":
        try:
            if "accept" in request.POST:
                services.invitation_accept(invitation=invitation, by=request.user)
                messages.success(request, f"Welcome to {invitation.centre}.")
                return redirect("member:dashboard")
            services.invitation_decline(invitation=invitation, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            return _unusable(request, " ".join(getattr(error, "messages", [str(error)])))
        messages.info(request, f"You declined the invitation from {invitation.centre}.")
        return redirect("member:dashboard")
    return render(
        request,
        "people/answer.html",
        {
            "invitation": invitation,
            "role": Role(invitation.role).label.lower(),
            "children": services.invitation_children(invitation),
        },
    )


def _unusable(request, reason: str, *, status: int = 410):
    return render(request, "people/unusable.html", {"reason": reason}, status=status)
