"""The member site for students, guardians and teachers: thin views over selectors and
services. Every object comes from `visible_to(request.user)`; anything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal.centres.models import Guardianship
from portal.centres.scoping import Role, centre_roles
from portal.core.private_files import private_file_response
from portal.homework.models import Homework
from portal.member import calendar, selectors
from portal.member.centres import SESSION_KEY, current_centre, roles_here
from portal.member.forms import GradeForm, NotifyForm
from portal.member.models import CalendarFeed
from portal.member.services import guardian_preferences_set
from portal.notifications.models import Notice
from portal.notifications.notices import notice_mark_read
from portal.people.models import Invitation
from portal.people.services import invitation_link
from portal.submissions import services as submission_services
from portal.submissions.archive import archive_name, submissions_zip
from portal.submissions.models import Submission, SubmissionFile


@login_required
def dashboard(request):
    centre = current_centre(request)
    roles = roles_here(request)
    user = request.user
    waiting = Invitation.objects.addressed_to(user).pending().select_related("centre")
    context = {
        "roles": roles,
        "invitations": [(invitation, invitation_link(invitation)) for invitation in waiting],
    }
    if centre is not None:
        if Role.STUDENT in roles:
            context["mine"] = selectors.homework_overview(
                viewer=user, students=[user], centre=centre
            )[user.pk]
        if Role.GUARDIAN in roles:
            children = selectors.children_of(guardian=user, centre=centre)
            overview = selectors.homework_overview(viewer=user, students=children, centre=centre)
            context["children"] = [overview[child.pk] for child in children]
        if roles & {Role.TEACHER, Role.ADMIN}:
            context["teaching"] = selectors.teaching_overview(teacher=user, centre=centre)
        context["announcements"] = selectors.announcements_for(viewer=user, centre=centre)
    return render(request, "member/dashboard.html", context)


@login_required
@require_POST
def switch_centre(request):
    try:
        centre_id = int(request.POST.get("centre", ""))
    except ValueError as error:
        raise Http404("No such centre.") from error
    if centre_id not in centre_roles(request.user):
        raise Http404("No such centre.")
    request.session[SESSION_KEY] = centre_id
    return redirect("member:dashboard")


@login_required
def child_detail(request, student_pk: int):
    link = get_object_or_404(
        Guardianship.objects.visible_to(request.user).select_related("student", "centre"),
        guardian=request.user,
        student_id=student_pk,
        centre=current_centre(request),
    )
    child = link.student
    overview = selectors.homework_overview(
        viewer=request.user, students=[child], centre=link.centre
    )[child.pk]
    announcements = selectors.announcements_for(viewer=request.user, centre=link.centre)
    return render(
        request,
        "member/child_detail.html",
        {"child": child, "link": link, "overview": overview, "announcements": announcements},
    )


def _gradable_homework(request, pk: int) -> Homework:
    visible = Homework.objects.visible_to(request.user).filter(
        pk__in=Homework.objects.editable_by(request.user).values("pk")
    )
    return get_object_or_404(visible.select_related("school_class__centre"), pk=pk)


@login_required
def inbox(request, pk: int):
    homework = _gradable_homework(request, pk)
    if request.method == "POST":
        chosen = Submission.objects.visible_to(request.user).filter(
            homework=homework, pk__in=request.POST.getlist("submission")
        )
        if not chosen:
            messages.error(request, "Tick the submissions to return first.")
        else:
            try:
                returned = submission_services.submissions_return(
                    submissions=chosen, by=request.user
                )
            except PermissionDenied as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Returned {len(returned)} submissions.")
        return redirect("member:inbox", pk=homework.pk)
    rows = selectors.homework_inbox(homework=homework, viewer=request.user)
    return render(request, "member/inbox.html", {"homework": homework, "rows": rows})


@login_required
def inbox_zip(request, pk: int):
    homework = _gradable_homework(request, pk)
    response = StreamingHttpResponse(
        submissions_zip(homework=homework, viewer=request.user), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{archive_name(homework)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def submission_detail(request, pk: int):
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user)
        .select_related("homework__school_class__centre", "student")
        .prefetch_related("files"),
        pk=pk,
    )
    homework = submission.homework
    grades = Submission.objects.gradable_by(request.user).filter(pk=pk).exists()
    form = None
    if grades:
        form = GradeForm(
            request.POST or None,
            max_points=homework.max_points,
            initial={"points": submission.points, "feedback": submission.feedback},
        )
        if request.method == "POST" and form.is_valid():
            try:
                submission_services.submission_grade(
                    submission=submission,
                    points=form.cleaned_data.get("points"),
                    feedback=form.cleaned_data["feedback"],
                    by=request.user,
                )
                if "return" in request.POST:
                    submission_services.submission_return(submission=submission, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, "Returned to the student." if "return" in request.POST else "Saved."
                )
                return redirect("member:submission", pk=pk)
    elif request.method == "POST":
        raise Http404("Nothing to change here.")
    return render(
        request,
        "member/submission_detail.html",
        {"submission": submission, "homework": homework, "form": form, "grades": grades},
    )


@login_required
def submission_file(request, pk: int, file_pk: int):
    handed_in = get_object_or_404(
        SubmissionFile.objects.visible_to(request.user), pk=file_pk, submission_id=pk
    )
    return private_file_response(handed_in.file, filename=handed_in.name)


@login_required
def notices(request):
    mine = Notice.objects.visible_to(request.user).filter(recipient=request.user)
    if request.method == "POST":
        notice_mark_read(notices=mine.unread(), by=request.user)
        return redirect("member:notices")
    return render(request, "member/notices.html", {"notices": mine[:100]})


@login_required
def notice_open(request, pk: int):
    notice = get_object_or_404(
        Notice.objects.visible_to(request.user).filter(recipient=request.user), pk=pk
    )
    notice_mark_read(notices=[notice], by=request.user)
    if not url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect("member:notices")
    return redirect(notice.link)


@login_required
def preferences(request):
    user = request.user
    links = list(
        Guardianship.objects.visible_to(user)
        .filter(guardian=user)
        .select_related("student", "centre")
        .order_by("centre__name", "student__first_name")
    )
    notify_form = NotifyForm(request.POST if "save_notify" in request.POST else None, links=links)
    if request.method == "POST":
        if "reset_calendar" in request.POST:
            calendar.calendar_feed_reset(user=user)
            messages.success(request, "Your calendar has a new address; the old one is gone.")
            return redirect("member:preferences")
        if notify_form.is_valid():
            for link in links:
                guardian_preferences_set(guardianship=link, by=user, **notify_form.wanted(link))
            messages.success(request, "Notification preferences saved.")
            return redirect("member:preferences")
    feed = calendar.calendar_feed_for(user=user)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return render(
        request,
        "member/preferences.html",
        {"notify_form": notify_form, "links": links, "feed_url": feed_url},
    )


def calendar_feed(request, token: str):
    """No session here: calendar apps fetch it. The token is the key; a wrong one is a 404."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    body = calendar.calendar_ics(user=feed.user, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
