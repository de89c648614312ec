"""Log in and out, the second factor, and the "mon compte" pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parvis.accounts.forms import AccountForm, CodeForm, DisableTwoFactorForm, LoginForm
from parvis.accounts.middleware import LANGUAGE_ATTRIBUTE, allowed_before_second_factor
from parvis.accounts.models import User
from parvis.accounts.proconnect import end_session_url
from parvis.accounts.two_factor import (
    CodeCheck,
    confirmed_device,
    do_confirm_device,
    do_disable,
    pending_device,
    qr_code_svg,
    second_factor_required,
    secret_for_display,
    verify_code,
)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default)


class LoginView(auth_views.LoginView):
    """E-mail and password; django-axes sees every attempt through ``authenticate(request)``."""

    form_class = LoginForm
    template_name = "accounts/login.html"

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        super().form_valid(form)  # login(): the session now knows whether a code is owed
        if second_factor_required(self.request):
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('accounts:two_factor_verify')}?{query}")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["proconnect_enabled"] = settings.PROCONNECT_ENABLED
        return context


@allowed_before_second_factor
@require_http_methods(["POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """Local logout; a ProConnect session is also closed at ProConnect (end_session)."""
    target = (
        end_session_url(request)
        if settings.PROCONNECT_ENABLED and request.session.get("oidc_id_token")
        else resolve_url(settings.LOGOUT_REDIRECT_URL)
    )
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return HttpResponseRedirect(target)


@allowed_before_second_factor
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code from the authenticator application."""
    next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    if not second_factor_required(request):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = verify_code(request, form.cleaned_data["code"])
        if result is CodeCheck.ACCEPTED:
            return redirect(next_url)
        if result is CodeCheck.THROTTLED:
            form.add_error("code", _("Trop de codes erronés : patientez quelques secondes."))
        else:
            form.add_error("code", _("Code incorrect ou expiré. Saisissez le code actuel."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Mon compte: name, language, password and two-factor status."""
    user: User = request.user  # type: ignore[assignment]
    form = AccountForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences sont enregistrées."))
        response = redirect("accounts:account")
        setattr(request, LANGUAGE_ATTRIBUTE, user.language)
        return response
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "two_factor_enabled": confirmed_device(user) is not None,
            "has_password": user.has_usable_password(),
            "proconnect_linked": bool(user.proconnect_sub),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change (or, for an account created through ProConnect, set) the password."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def get_form_class(self) -> Any:
        if self.request.user.has_usable_password():  # type: ignore[union-attr]
            return super().get_form_class()
        return SetPasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        form.save()
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Votre mot de passe est modifié."))
        return HttpResponseRedirect(self.get_success_url())


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator application: QR code and secret, then a first code."""
    user: User = request.user  # type: ignore[assignment]
    if confirmed_device(user) is not None:
        return redirect("accounts:two_factor_disable")
    device = pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if do_confirm_device(request, device, form.cleaned_data["code"]):
            messages.success(
                request,
                _(
                    "La double authentification est activée : un code vous sera demandé "
                    "à chaque connexion."
                ),
            )
            return redirect("accounts:account")
        form.add_error("code", _("Code incorrect ou expiré. Saisissez le code actuel."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_code_svg(
                device, _("QR code à scanner avec votre application d'authentification")
            ),
            "secret": secret_for_display(device),
        },
    )


@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off, after confirming the password."""
    user: User = request.user  # type: ignore[assignment]
    if confirmed_device(user) is None:
        return redirect("accounts:two_factor_setup")
    form = DisableTwoFactorForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_disable(request)
        messages.success(request, _("La double authentification est désactivée."))
        return redirect("accounts:account")
    return render(request, "accounts/two_factor_disable.html", {"form": form})
