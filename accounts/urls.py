from django.urls import path

from . import views, views_login

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views_login.logout, name="logout"),
    path("logget-ut/", views_login.logged_out, name="logged_out"),
    path("oidc/<str:provider>/login/", views_login.oidc_login, name="oidc_login"),
    path("oidc/<str:provider>/callback/", views_login.oidc_callback, name="oidc_callback"),
    path("organisasjon/", views_login.choose_organisation, name="choose_organisation"),
    path("organisasjon/ingen/", views_login.no_organisation, name="no_organisation"),
    path("demo/", views_login.demo_login, name="demo_login"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
