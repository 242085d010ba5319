from django.urls import path

from portal.announcements import views

app_name = "announcements"
urlpatterns = [path("<int:pk>/", views.announcement_detail, name="detail")]
