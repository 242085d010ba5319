from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.schedules import views


@hooks.register("register_admin_urls")
def schedule_urls():
    urls = [
        path("", views.ScheduleIndexView.as_view(), name="index"),
        path("<int:pk>/", views.ScheduleEditView.as_view(), name="edit"),
        path("<int:pk>/run/", views.ScheduleRunNowView.as_view(), name="run"),
    ]
    return [path("schedules/", include((urls, "schedules"), namespace="schedules"))]


class PlatformAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def schedules_menu_item():
    return PlatformAdminMenuItem(
        "Scheduled jobs", reverse("schedules:index"), icon_name="time", order=900
    )
