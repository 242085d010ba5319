from django.urls import path

from portal.people import views

app_name = "people"
urlpatterns = [path("<str:token>/", views.answer, name="invitation")]
