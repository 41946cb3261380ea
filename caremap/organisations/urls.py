from django.urls import path

from caremap.organisations import invitations, views

app_name = "organisations"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("<int:pk>/audit/", views.organisation_audit, name="organisation-audit"),
    path("<int:pk>/teams/new/", views.team_create, name="team-create"),
    path("<int:pk>/teams/<int:team_pk>/edit/", views.team_edit, name="team-edit"),
    path("<int:pk>/members/new/", views.member_create, name="member-create"),
    path(
        "<int:pk>/members/<int:membership_pk>/edit/",
        views.member_edit,
        name="member-edit",
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/cancel/",
        invitations.invitation_cancel,
        name="invitation-cancel",
    ),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
]
