from django.urls import path

from caremap.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        views.password_reset_complete,
        name="password-reset-complete",
    ),
]
