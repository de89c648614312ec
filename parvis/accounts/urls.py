from __future__ import annotations

from django.urls import path
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.urls import OIDCAuthenticateClass, OIDCCallbackClass

from parvis.accounts import views
from parvis.accounts.middleware import allowed_before_second_factor
from parvis.accounts.proconnect import require_enabled

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("connexion/code/", views.two_factor_verify, name="two_factor_verify"),
    path("compte/", views.account, name="account"),
    path("compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("compte/double-authentification/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "compte/double-authentification/desactiver/",
        views.two_factor_disable,
        name="two_factor_disable",
    ),
    # mozilla-django-oidc's views (same paths and names as its urls.py), 404 while disabled.
    path(
        "proconnect/callback/",
        require_enabled(OIDCCallbackClass.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "proconnect/authenticate/",
        require_enabled(OIDCAuthenticateClass.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "proconnect/logout/",
        allowed_before_second_factor(require_enabled(oidc_views.OIDCLogoutView.as_view())),
        name="oidc_logout",
    ),
]
