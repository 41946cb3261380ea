from django.urls import path

from caremap.selfaudits import views

app_name = "selfaudits"

AUDIT = "organisation/<int:organisation_pk>/self-audits/<int:pk>/"

urlpatterns = [
    path(
        "organisation/<int:organisation_pk>/self-audits/",
        views.audit_list,
        name="list",
    ),
    path(
        "organisation/<int:organisation_pk>/self-audits/new/",
        views.audit_start,
        name="start",
    ),
    path(
        "organisation/<int:organisation_pk>/self-audits/compare/",
        views.audit_compare,
        name="compare",
    ),
    path(AUDIT, views.audit_detail, name="audit"),
    path(f"{AUDIT}complete/", views.audit_complete, name="complete"),
    path(f"{AUDIT}reopen/", views.audit_reopen, name="reopen"),
    path(f"{AUDIT}areas/<slug:area>/", views.answer, name="answer"),
    path(f"{AUDIT}files/<int:file_pk>/", views.file_download, name="file"),
    path(f"{AUDIT}files/<int:file_pk>/remove/", views.file_remove, name="remove-file"),
    path("area/<int:area_pk>/self-audits/", views.area_overview, name="area"),
    path(
        "area/<int:area_pk>/self-audits/<int:pk>/",
        views.area_audit,
        name="area-audit",
    ),
]
