"""The API's URL map: `/api/v1/…`, the OpenAPI schema and its two documentation pages."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from portal.accounts.api.views import MeView
from portal.announcements.api.views import AnnouncementViewSet
from portal.api import auth
from portal.audit.api.views import AuditEntryViewSet
from portal.centres.api.views import CentreViewSet, ChildViewSet
from portal.classes.api.views import EnrollmentViewSet, SchoolClassViewSet
from portal.digests.api.views import DigestViewSet
from portal.homework.api.views import HomeworkAttachmentViewSet, HomeworkViewSet
from portal.member.api.views import CalendarFeedResetView, CalendarFeedView, NotifyPreferenceViewSet
from portal.notifications.api.views import NoticeViewSet
from portal.people.api.views import GuardianshipViewSet, MemberViewSet
from portal.reports.api.views import ReportExportViewSet
from portal.rosters.api.views import RosterImportViewSet
from portal.schedules.api.views import JobRunViewSet
from portal.submissions.api.views import (
    GradeChangeViewSet,
    SubmissionArchiveViewSet,
    SubmissionFileViewSet,
    SubmissionViewSet,
)
from portal.whiteboard.api.views import WhiteboardViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("centres", CentreViewSet, basename="centre")
router.register("members", MemberViewSet, basename="member")
router.register("guardianships", GuardianshipViewSet, basename="guardianship")
router.register("children", ChildViewSet, basename="child")
router.register("classes", SchoolClassViewSet, basename="class")
router.register("enrollments", EnrollmentViewSet, basename="enrollment")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("submission-files", SubmissionFileViewSet, basename="submission-file")
router.register("submission-archives", SubmissionArchiveViewSet, basename="submission-archive")
router.register("grade-changes", GradeChangeViewSet, basename="grade-change")
router.register("notices", NoticeViewSet, basename="notice")
router.register("digests", DigestViewSet, basename="digest")
router.register(
    "notification-preferences", NotifyPreferenceViewSet, basename="notification-preference"
)
router.register("homework", HomeworkViewSet, basename="homework")
router.register("homework-attachments", HomeworkAttachmentViewSet, basename="homework-attachment")
router.register("announcements", AnnouncementViewSet, basename="announcement")
router.register("roster-imports", RosterImportViewSet, basename="roster-import")
router.register("report-exports", ReportExportViewSet, basename="report-export")
router.register("whiteboards", WhiteboardViewSet, basename="whiteboard")
router.register("job-runs", JobRunViewSet, basename="job-run")
router.register("audit-log", AuditEntryViewSet, basename="audit-entry")

v1 = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="token"),
    path("auth/token/refresh/", auth.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", auth.TokenVerifyView.as_view(), name="token-verify"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("me/", MeView.as_view(), name="me"),
    path("calendar/", CalendarFeedView.as_view(), name="calendar"),
    path("calendar/reset/", CalendarFeedResetView.as_view(), name="calendar-reset"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL of ours, not inline (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # ReDoc draws its "powered by" logo from its makers' site: the one image let in.
    path(
        "redoc/",
        csp_update({"img-src": ["https://cdn.redoc.ly"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
]
