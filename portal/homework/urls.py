from django.urls import path

from portal.homework import views

app_name = "homework"
urlpatterns = [
    path("<int:pk>/", views.homework_detail, name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
