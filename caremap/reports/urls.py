from django.urls import path

from caremap.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.reports_home, name="home"),
    path("area/<int:pk>/", views.area_dashboard, name="area"),
    path("organisation/<int:pk>/", views.organisation_dashboard, name="organisation"),
    path("organisation/<int:pk>/people/", views.people_behind, name="people"),
]
