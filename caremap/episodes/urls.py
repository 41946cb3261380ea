from django.urls import path

from caremap.episodes import views

app_name = "episodes"

urlpatterns = [
    path(
        "people/<int:person_pk>/episodes/",
        views.person_episodes,
        name="person-episodes",
    ),
    path(
        "people/<int:person_pk>/episodes/new/",
        views.episode_create,
        name="create",
    ),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="edit"),
    path("episodes/<int:pk>/exit/", views.episode_exit, name="exit"),
]
