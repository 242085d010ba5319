from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/", include("portal.api.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("homework/", include("portal.homework.urls")),
    path("announcements/", include("portal.announcements.urls")),
    path("whiteboards/", include("portal.whiteboard.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the member-facing page tree; keep it last.
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "portal.core.errors.not_found"
handler500 = "portal.core.errors.server_failure"
