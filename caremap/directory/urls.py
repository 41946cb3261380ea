from django.urls import path

from caremap.directory import editing_urls, upkeep_urls, views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("services/<str:service_id>/", views.service_detail, name="service"),
    *editing_urls.urlpatterns,
    *upkeep_urls.urlpatterns,
]
