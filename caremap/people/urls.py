from django.urls import path

from caremap.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/status/", views.person_status, name="person-status"),
    path("<int:pk>/navigator/", views.person_navigator, name="person-navigator"),
    path("<int:pk>/stance/", views.person_stance, name="person-stance"),
    path("<int:pk>/audit/", views.person_audit, name="person-audit"),
]
