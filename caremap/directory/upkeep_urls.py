"""Keeping the directory: the review list, editors, area settings and the
recovery-community view."""

from django.urls import path

from caremap.directory import upkeep

urlpatterns = [
    path("review/", upkeep.review, name="review"),
    path("editors/", upkeep.editors, name="editors"),
    path("editors/<int:pk>/remove/", upkeep.editor_remove, name="editor-remove"),
    path("settings/", upkeep.directory_settings, name="settings"),
    path("settings/tokens/new/", upkeep.token_create, name="token-create"),
    path(
        "settings/tokens/<int:pk>/created/",
        upkeep.token_created,
        name="token-created",
    ),
    path("settings/tokens/<int:pk>/revoke/", upkeep.token_revoke, name="token-revoke"),
    path("community/", upkeep.community, name="community"),
    path("community/<slug:table>.csv", upkeep.community_csv, name="community-csv"),
]
