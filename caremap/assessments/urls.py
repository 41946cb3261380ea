from django.urls import path

from caremap.assessments import views

app_name = "assessments"

urlpatterns = [
    path(
        "people/<int:pk>/assessments/",
        views.person_assessments,
        name="person-assessments",
    ),
    path(
        "people/<int:pk>/assessments/new/",
        views.assessment_start,
        name="start-assessment",
    ),
    path("people/<int:pk>/assessments/link/", views.link_issue, name="link-issue"),
    path(
        "people/<int:pk>/assessments/link/<int:link_pk>/",
        views.link_show,
        name="link-show",
    ),
    path(
        "people/<int:pk>/assessments/link/<int:link_pk>/cancel/",
        views.link_revoke,
        name="link-revoke",
    ),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path(
        "assessments/<int:pk>/sections/<slug:section_id>/",
        views.section,
        name="section",
    ),
    path("assessments/<int:pk>/check/", views.check, name="check"),
    path("assessments/<int:pk>/profile/", views.profile_page, name="profile"),
    path("assessments/<int:pk>/profile.pdf", views.profile_pdf, name="pdf"),
    path(
        "assessments/<int:pk>/questionnaire-response.json",
        views.questionnaire_response,
        name="fhir",
    ),
    # Self-completion: the token in the address is the only key.
    path("a/<str:token>/", views.self_start, name="self-start"),
    path(
        "a/<str:token>/sections/<slug:section_id>/",
        views.self_section,
        name="self-section",
    ),
    path("a/<str:token>/check/", views.self_check, name="self-check"),
    path("a/<str:token>/done/", views.self_done, name="self-done"),
    path("a/<str:token>/done/profile.pdf", views.self_pdf, name="self-pdf"),
]
