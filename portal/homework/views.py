"""Member-site pages for homework (students, guardians, staff); scoped by visible_to.

Students hand in their work here; attachments are downloaded through a permission check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from portal.classes.models import Enrollment
from portal.core.private_files import private_file_response
from portal.homework.models import Homework, HomeworkAttachment
from portal.member.forms import SubmissionForm
from portal.submissions import services
from portal.submissions.models import Submission


def _hands_in(request, homework: Homework) -> bool:
    return (
        Enrollment.objects.visible_to(request.user)
        .current()
        .filter(school_class_id=homework.school_class_id, student=request.user)
        .exists()
    )


@login_required
def homework_detail(request, pk: int):
    homework = get_object_or_404(
        Homework.objects.visible_to(request.user).select_related("school_class__centre"), pk=pk
    )
    context = {"homework": homework, "attachments": homework.attachments.select_related("document")}
    if homework.live and _hands_in(request, homework):
        submission = (
            Submission.objects.visible_to(request.user)
            .filter(homework=homework, student=request.user)
            .prefetch_related("files")
            .first()
        )
        form = SubmissionForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.submission_submit(
                    homework=homework,
                    student=request.user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Handed in. You can change it until the due time.")
                return redirect("homework:detail", pk=homework.pk)
        window = services.submission_window(homework=homework, submission=submission)
        context.update(submission=submission, form=form, window=window)
    return render(request, "homework/homework_detail.html", context)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    homework = get_object_or_404(Homework.objects.visible_to(request.user), pk=pk)
    attachment = get_object_or_404(
        HomeworkAttachment.objects.select_related("document"), homework=homework, pk=attachment_pk
    )
    document = attachment.document
    return private_file_response(document.file, filename=document.filename)
