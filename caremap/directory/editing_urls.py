"""Adding, editing and checking directory entries."""

from django.urls import path

from caremap.directory import editing

# Spliced into the `directory` namespace after `services/<str:service_id>/`,
# so adding lives at `new/`: `services/new/` would be taken for a service id.
urlpatterns = [
    path("new/", editing.service_add, name="service-add"),
    path("services/<str:service_id>/edit/", editing.service_edit, name="service-edit"),
    path(
        "services/<str:service_id>/check/",
        editing.service_check,
        name="service-check",
    ),
]
