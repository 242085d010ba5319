from django.urls import path

from portal.digests import views as digest_views
from portal.member import views

app_name = "member"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("centre/", views.switch_centre, name="switch_centre"),
    path("children/<int:student_pk>/", views.child_detail, name="child"),
    path("homework/<int:pk>/submissions/", views.inbox, name="inbox"),
    path("homework/<int:pk>/submissions.zip", views.inbox_zip, name="inbox_zip"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path(
        "submissions/<int:pk>/files/<int:file_pk>/", views.submission_file, name="submission_file"
    ),
    path("notifications/", views.notices, name="notices"),
    path("notifications/<int:pk>/", views.notice_open, name="notice"),
    path("settings/", views.preferences, name="preferences"),
    path("digests/", digest_views.archive, name="digests"),
    path("digests/<int:pk>/", digest_views.detail, name="digest"),
]
