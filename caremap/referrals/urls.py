from django.urls import path

from caremap.referrals import views

app_name = "referrals"

urlpatterns = [
    path(
        "people/<int:person_pk>/referrals/",
        views.person_referrals,
        name="person-referrals",
    ),
    path(
        "people/<int:person_pk>/referrals/new/",
        views.referral_create,
        name="create",
    ),
    path("referrals/awaiting/", views.awaiting, name="awaiting"),
    path(
        "referrals/for-service/<str:service_id>/",
        views.choose_person,
        name="choose-person",
    ),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/update/", views.referral_update, name="update"),
    path("referrals/<int:pk>/rate/", views.referral_rate, name="rate"),
]
