from django.urls import path

from portal.whiteboard import views

app_name = "whiteboard"
urlpatterns = [
    path("<int:pk>/", views.board_page, name="board"),
    path("class/<int:class_pk>/", views.class_board, name="class_board"),
]
