"""Organisation settings: profile, members and resource persons.

Reading needs ``Permission.VIEW``; every change needs ``Permission.MANAGE`` and goes through
``parvis.organisations.actions``. Every form works without JavaScript; with htmx, the role of a
member changes in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.organisations import actions
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.forms import (
    MemberAddForm,
    MemberRoleForm,
    ProfileForm,
    ResourcePersonForm,
)
from parvis.organisations.models import Membership, Permission, ResourcePerson, Role
from parvis.organisations.settings_pages import settings_page

# --- Profile ---------------------------------------------------------------------------------


@org_view(Permission.VIEW)
def profile(request: OrgRequest) -> HttpResponse:
    return settings_page(request, "organisations/profile.html", "profile")


@org_view(Permission.MANAGE)
def profile_edit(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, initial={"logo": organisation.logo})
        if form.is_valid():
            actions.do_update_organisation(
                organisation, actor=request.user, values=form.cleaned_data
            )
            messages.success(request, _("Le profil de l'organisation est enregistré."))
            return redirect("organisations:profile", org=organisation.slug)
    else:
        form = ProfileForm(
            initial={
                "name": organisation.name,
                "kind": organisation.kind,
                "theme": organisation.theme,
                "logo": organisation.logo,
                "communication_email": organisation.communication_email,
            }
        )
    return settings_page(request, "organisations/profile_edit.html", "profile", {"form": form})


# --- Members ---------------------------------------------------------------------------------


def _members(request: OrgRequest) -> list[Membership]:
    return list(
        Membership.objects.filter(organisation=request.organisation)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@org_view(Permission.VIEW)
def members(request: OrgRequest) -> HttpResponse:
    return settings_page(
        request,
        "organisations/members.html",
        "members",
        {"members": _members(request), "add_form": MemberAddForm(), "roles": Role.choices},
    )


@org_view(Permission.MANAGE)
def member_add(request: OrgRequest) -> HttpResponse:
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            added = actions.do_add_member(
                request.organisation,
                actor=request.user,
                email=email,
                role=form.cleaned_data["role"],
            )
        except actions.ActionRefusedError as refusal:
            form.add_error("email", str(refusal.message))
        else:
            if added.invited:
                messages.success(
                    request,
                    _(
                        "%(email)s n'avait pas de compte : il a été créé et un courriel "
                        "d'invitation lui est envoyé avec un lien pour choisir son mot de passe."
                    )
                    % {"email": email},
                )
            else:
                messages.success(
                    request,
                    _("%(email)s est maintenant membre de l'organisation.") % {"email": email},
                )
            return redirect("organisations:members", org=request.organisation.slug)
    return settings_page(request, "organisations/member_add.html", "members", {"form": form})


@org_view(Permission.MANAGE)
@require_POST
def member_role(request: OrgRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=request.organisation
    )
    form = MemberRoleForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choisissez un rôle dans la liste.")
    else:
        try:
            membership = actions.do_change_role(
                request.organisation,
                actor=request.user,
                membership_id=membership.pk,
                role=form.cleaned_data["role"],
            )
        except actions.ActionRefusedError as refusal:
            error = str(refusal.message)
    done = (
        ""
        if error
        else _("Rôle de %(name)s : %(role)s.")
        % {
            "name": membership.user.display_name,
            "role": membership.get_role_display(),
        }
    )
    if request.htmx:  # type: ignore[attr-defined]
        return settings_page(
            request,
            "organisations/_member_row.html",
            "members",
            {"member": membership, "roles": Role.choices, "row_error": error, "row_done": done},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("organisations:members", org=request.organisation.slug)


@org_view(Permission.MANAGE)
def member_remove(request: OrgRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, organisation=request.organisation
    )
    if request.method == "POST":
        try:
            actions.do_remove_member(
                request.organisation, actor=request.user, membership_id=membership.pk
            )
        except actions.ActionRefusedError as refusal:
            messages.error(request, str(refusal.message))
            return redirect("organisations:members", org=request.organisation.slug)
        messages.success(
            request,
            _("%(name)s ne fait plus partie de l'organisation.")
            % {"name": membership.user.display_name},
        )
        if membership.user_id == request.user.pk:
            return redirect("front:home")
        return redirect("organisations:members", org=request.organisation.slug)
    return settings_page(
        request, "organisations/member_remove.html", "members", {"member": membership}
    )


# --- Resource persons --------------------------------------------------------------------------


@org_view(Permission.VIEW)
def resource_persons(request: OrgRequest) -> HttpResponse:
    persons = ResourcePerson.objects.filter(organisation=request.organisation)
    return settings_page(
        request, "organisations/resource_persons.html", "resource_persons", {"persons": persons}
    )


@org_view(Permission.MANAGE)
def resource_person_create(request: OrgRequest) -> HttpResponse:
    form = ResourcePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = actions.do_create_resource_person(
            request.organisation, actor=request.user, values=form.values()
        )
        messages.success(request, _("%(name)s est enregistré.") % {"name": person.name})
        return redirect("organisations:resource_persons", org=request.organisation.slug)
    return settings_page(
        request, "organisations/resource_person_form.html", "resource_persons", {"form": form}
    )


@org_view(Permission.MANAGE)
def resource_person_edit(request: OrgRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(ResourcePerson, pk=pk, organisation=request.organisation)
    form = ResourcePersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        person = actions.do_update_resource_person(
            request.organisation, actor=request.user, person_id=pk, values=form.values()
        )
        messages.success(request, _("%(name)s est enregistré.") % {"name": person.name})
        return redirect("organisations:resource_persons", org=request.organisation.slug)
    return settings_page(
        request,
        "organisations/resource_person_form.html",
        "resource_persons",
        {"form": form, "person": person},
    )


@org_view(Permission.MANAGE)
def resource_person_delete(request: OrgRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(ResourcePerson, pk=pk, organisation=request.organisation)
    if request.method == "POST":
        actions.do_delete_resource_person(request.organisation, actor=request.user, person_id=pk)
        messages.success(request, _("%(name)s est supprimé.") % {"name": person.name})
        return redirect("organisations:resource_persons", org=request.organisation.slug)
    return settings_page(
        request, "organisations/resource_person_delete.html", "resource_persons", {"person": person}
    )


# --- Invitation ----------------------------------------------------------------------------------


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link of the invitation e-mail: the invited person chooses a password.

    Public (the person has no password yet), but only for a member of the organisation in the
    URL: any other link answers 404, like every page of an organisation.
    """

    template_name = "organisations/invitation.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            user_id = int(force_str(urlsafe_base64_decode(kwargs["uidb64"])))
        except (TypeError, ValueError, OverflowError):
            raise Http404 from None
        membership = (
            Membership.objects.select_related("organisation")
            .filter(user_id=user_id, organisation__slug=kwargs["org"])
            .first()
        )
        if membership is None:
            raise Http404
        self.membership = membership
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invited_to"] = self.membership.organisation
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if not self.validlink:
            response.status_code = 404  # used or expired: the page explains, the status says so
        return response

    def get_success_url(self) -> str:
        return reverse("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Votre mot de passe est enregistré : connectez-vous avec votre adresse "
                "électronique."
            ),
        )
        return response


invitation = InvitationView.as_view(token_generator=default_token_generator)
