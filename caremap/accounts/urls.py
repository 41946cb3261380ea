from django.urls import path

from caremap.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.two_step, name="two-step"),
    path("two-step/set-up/", views.two_step_setup, name="two-step-setup"),
    path(
        "two-step/backup-codes/",
        views.two_step_backup_codes,
        name="two-step-backup-codes",
    ),
    path("two-step/turn-off/", views.two_step_off, name="two-step-off"),
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
