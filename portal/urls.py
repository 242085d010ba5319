from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.accounts import views as account_views
from portal.core import metrics as core_metrics
from portal.core import views as core_views
from portal.member import views as member_views
from portal.notifications import views as notification_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_metrics.metrics, name="metrics"),
    path("api/", include("portal.api.urls")),
    # The admin signs in (and resets passwords) through the member site's pages, so both share
    # one form, one set of rate limits and, later, one second factor.
    path("admin/login/", account_views.admin_sign_in, name="admin_sign_in"),
    re_path(
        r"^admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password"),
        name="admin_password_reset_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("homework/", include("portal.homework.urls")),
    path("announcements/", include("portal.announcements.urls")),
    path("whiteboards/", include("portal.whiteboard.urls")),
    # Addresses of the portal's first sign-in pages, still in bookmarks and old e-mails.
    path(
        "accounts/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password"),
    ),
    path(
        "accounts/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
    ),
    path("accounts/", include("allauth.urls")),
    path("invitations/", include("portal.people.urls")),
    path("my/", include("portal.member.urls")),
    path("calendar/<str:token>.ics", member_views.calendar_feed, name="calendar_feed"),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
]

if getattr(settings, "DEV_MAILBOX_DIR", None):
    from portal.core import mailbox

    urlpatterns += [
        path("dev/mailbox/", mailbox.inbox, name="dev_mailbox"),
        path("dev/mailbox/<str:key>/", mailbox.message, name="dev_mailbox_message"),
    ]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: documents (homework attachments) are private, served after a check.
    for folder in ("images", "original_images"):
        urlpatterns += static(
            f"{settings.MEDIA_URL}{folder}/", document_root=f"{settings.MEDIA_ROOT}/{folder}"
        )

# Wagtail serves the member-facing page tree; keep it last.
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "portal.core.errors.not_found"
handler500 = "portal.core.errors.server_failure"
