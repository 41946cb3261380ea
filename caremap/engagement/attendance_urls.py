"""Groups a person goes to, their attendance, and group registers."""

from django.urls import path

from caremap.engagement import attendance

urlpatterns = [
    path(
        "people/<int:person_pk>/groups/",
        attendance.person_groups,
        name="person-groups",
    ),
    path(
        "people/<int:person_pk>/groups/new/",
        attendance.group_add,
        name="group-add",
    ),
    path(
        "people/<int:person_pk>/groups/<int:membership_pk>/change/",
        attendance.group_change,
        name="group-change",
    ),
    path(
        "people/<int:person_pk>/groups/<int:membership_pk>/stop/",
        attendance.group_stop,
        name="group-stop",
    ),
    path(
        "people/<int:person_pk>/groups/<int:membership_pk>/attendance/",
        attendance.attendance_record,
        name="attendance-record",
    ),
    path("groups/registers/", attendance.register_choose, name="register-choose"),
    path(
        "groups/registers/<str:service_id>/",
        attendance.register,
        name="register",
    ),
]
