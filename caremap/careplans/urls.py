from django.urls import path

from caremap.careplans import editing_urls, review_urls, views

app_name = "careplans"

urlpatterns = [
    path(
        "assessments/<int:pk>/suggested-goals/",
        views.suggestions,
        name="suggestions",
    ),
    path("people/<int:person_pk>/plan/", views.person_plan, name="person-plan"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path(
        "organisation/<int:pk>/care-plans/",
        views.plan_settings,
        name="plan-settings",
    ),
    path("plans/<int:pk>/map/", views.plan_map, name="plan-map"),
    path("plans/<int:pk>/plan.pdf", views.plan_pdf, name="plan-pdf"),
    path("goals/<int:pk>/map/", views.goal_map, name="goal-map"),
    *editing_urls.urlpatterns,
    *review_urls.urlpatterns,
]
