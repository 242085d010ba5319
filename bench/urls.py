"""The portal's URLs plus the raw baseline views the API benchmark compares against."""

from django.urls import path

from bench import raw_views
from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("raw/homework/", raw_views.student_homework),
    path("raw/children/", raw_views.guardian_children),
    path("raw/submissions/", raw_views.teacher_submissions),
    *portal_urlpatterns,
]
