from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("sessions/<int:pk>/sign-out/", views.SessionEndView.as_view(), name="session_end"),
    path(
        "sessions/sign-out-others/",
        views.SessionsEndOthersView.as_view(),
        name="sessions_end_others",
    ),
]

urlpatterns += [
    path("sso/start/", views.SsoStartView.as_view(), name="sso_start"),
    path("sso/callback/", views.SsoCallbackView.as_view(), name="sso_callback"),
]

urlpatterns += [
    path("second-factor/", views.MfaSettingsView.as_view(), name="mfa"),
    path("second-factor/enrol/", views.MfaEnrolView.as_view(), name="mfa_enrol"),
    path(
        "second-factor/recovery-codes/",
        views.MfaRecoveryCodesView.as_view(),
        name="mfa_recovery_codes",
    ),
    path(
        "second-factor/recovery-codes.txt",
        views.MfaRecoveryCodesDownloadView.as_view(),
        name="mfa_recovery_codes_download",
    ),
    path("second-factor/verify/", views.MfaVerifyView.as_view(), name="mfa_verify"),
]
