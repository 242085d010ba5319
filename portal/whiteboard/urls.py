from django.urls import path

from portal.whiteboard import views
from portal.whiteboard.selectors import EXPORT_FORMATS

app_name = "whiteboard"
urlpatterns = [
    path("<int:pk>/", views.board_page, name="board"),
    path("class/<int:class_pk>/", views.class_board, name="class_board"),
    *(
        path(
            f"<int:pk>/export.{file_format}",
            views.board_download,
            {"file_format": file_format},
            name=f"export_{file_format}",
        )
        for file_format in EXPORT_FORMATS
    ),
]
