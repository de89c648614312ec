"""ProConnect (OpenID Connect for public agents) through mozilla-django-oidc.

ProConnect answers the userinfo request with a JWT signed by its own keys
(``application/jwt``); it is verified against the provider's JWKS, for this client and issuer,
before any claim is trusted. Plain JSON userinfo is accepted too (other providers, tests).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from parvis.accounts.models import User

logger = logging.getLogger(__name__)

SIGNED_USERINFO_ALGORITHMS = ["RS256", "ES256"]


def verify_signed_userinfo(
    token: str, key: jwt.PyJWK | Any, *, audience: str, issuer: str
) -> dict[str, Any]:
    """The claims of a signed userinfo JWT; SuspiciousOperation if anything does not hold.

    The signature must verify with ``key`` (``alg: none`` and HMAC are refused) and the token
    must be issued by our provider for our client (``iss``, ``aud``) with a ``sub``.
    """
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
    except jwt.InvalidTokenError as error:
        raise SuspiciousOperation(f"userinfo is not a JWT: {error}") from error
    if algorithm not in SIGNED_USERINFO_ALGORITHMS:
        raise SuspiciousOperation(f"userinfo signed with a refused algorithm: {algorithm}")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=SIGNED_USERINFO_ALGORITHMS,
            audience=audience,
            issuer=issuer,
            options={"require": ["sub", "iss", "aud"]},
        )
    except jwt.InvalidTokenError as error:
        raise SuspiciousOperation(f"userinfo JWT refused: {error}") from error
    return claims


def full_name_from_claims(claims: dict[str, Any]) -> str:
    """ "Prénom Nom d'usage", as ProConnect names them."""
    parts = [str(claims.get("given_name") or "").strip(), str(claims.get("usual_name") or "")]
    return " ".join(part.strip() for part in parts if part.strip())[:200]


class ProConnectBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Match agents by e-mail (case-insensitive); create the account of a newcomer."""

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.OIDC_TIMEOUT,
        )
        response.raise_for_status()
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/jwt":
            token = response.text.strip()
            # retrieve_matching_jwk fetches the JWKS with OIDC_TIMEOUT and checks kid and alg.
            claims = verify_signed_userinfo(
                token,
                self.retrieve_matching_jwk(token),
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.PROCONNECT_ISSUER,
            )
        else:
            claims = response.json()
            if not isinstance(claims, dict):
                raise SuspiciousOperation("userinfo is not a JSON object")
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo sub differs from the ID token's")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email") or "").strip()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email)

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User.objects.create_user(
            str(claims["email"]).strip(),
            password=None,
            full_name=full_name_from_claims(claims),
            proconnect_sub=str(claims["sub"]),
        )
        logger.info("account created through ProConnect", extra={"user_id": user.pk})
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        changed = ["proconnect_sub"]
        user.proconnect_sub = str(claims["sub"])
        if not user.full_name:
            user.full_name = full_name_from_claims(claims)
            changed.append("full_name")
        user.save(update_fields=changed)
        return user


class ProConnectCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Say why in French when ProConnect did not log the person in."""

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous "
                "avec votre adresse électronique et votre mot de passe."
            ),
        )
        response: HttpResponse = super().login_failure()
        return response


def end_session_url(request: HttpRequest) -> str:
    """ProConnect's logout URL, with the id_token_hint it requires; local logout otherwise."""
    id_token = request.session.get("oidc_id_token")
    after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if not id_token or not settings.PROCONNECT_END_SESSION_ENDPOINT:
        return after
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": get_random_string(32),
            "post_logout_redirect_uri": after,
        }
    )
    return f"{settings.PROCONNECT_END_SESSION_ENDPOINT}?{query}"


def require_enabled(view: Any) -> Any:
    """ProConnect's URLs answer 404 while it is not configured."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PROCONNECT_ENABLED:
            raise Http404
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    wrapper.__name__ = getattr(view, "__name__", "proconnect_view")
    return wrapper
