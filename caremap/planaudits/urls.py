from django.urls import path

from caremap.planaudits import views

app_name = "planaudits"

base = "organisation/<int:organisation_pk>/care-plan-audits/"

urlpatterns = [
    path(base, views.overview, name="overview"),
    path(f"{base}new/", views.draw, name="draw"),
    path(f"{base}<int:audit_pk>/", views.audit_detail, name="audit"),
    path(f"{base}<int:audit_pk>/plans/<int:item_pk>/", views.item_form, name="item"),
    path(f"{base}<int:audit_pk>/results/", views.audit_results, name="results"),
    path(f"{base}<int:audit_pk>/complete/", views.complete, name="complete"),
]
