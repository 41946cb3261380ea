"""URLs of the read-only HSDS 3.0 API, mounted at `/api/hsds/`."""

from django.urls import path, re_path

from caremap.directory import api

app_name = "hsds-api"

urlpatterns = [
    path("", api.root, name="root"),
    path("services", api.service_list, name="services"),
    path("services/<str:id>", api.service_detail, name="service"),
    path("organizations", api.organization_list, name="organizations"),
    path("organizations/<str:id>", api.organization_detail, name="organization"),
    path("taxonomies", api.taxonomy_list, name="taxonomies"),
    re_path(r"^(?P<path>.*)$", api.not_found),
]
