from django.urls import include, path

from caremap.engagement import views

app_name = "engagement"

urlpatterns = [
    path(
        "people/<int:person_pk>/contacts/",
        views.person_contacts,
        name="person-contacts",
    ),
    path(
        "people/<int:person_pk>/contacts/new/",
        views.contact_create,
        name="contact-create",
    ),
    path(
        "people/<int:person_pk>/contacts/no-answer/",
        views.no_answer,
        name="no-answer",
    ),
    path("", include("caremap.engagement.attendance_urls")),
    path("", include("caremap.engagement.outreach_urls")),
]
