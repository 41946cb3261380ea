from django.urls import path

from caremap.careplans import views

app_name = "careplans"

urlpatterns = [
    path(
        "assessments/<int:pk>/suggested-goals/",
        views.suggestions,
        name="suggestions",
    ),
]
