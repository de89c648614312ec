"""Every change to an organisation, its members and its resource persons goes through here.

Each action runs in one transaction, writes one audit event with the state before and after,
and enqueues any e-mail only once the transaction is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.organisations.models import Membership, Organisation, ResourcePerson, Role

PROFILE_FIELDS = ("name", "kind", "theme", "communication_email")


class ActionRefusedError(Exception):
    """An action that would break a rule; ``message`` is shown to the user as is."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class LastAdminError(ActionRefusedError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Une organisation doit garder au moins un administrateur : nommez d'abord "
                "un autre administrateur."
            )
        )


class AlreadyMemberError(ActionRefusedError):
    def __init__(self, email: str) -> None:
        super().__init__(_("%(email)s est déjà membre de cette organisation.") % {"email": email})


def _profile_state(organisation: Organisation) -> dict[str, Any]:
    state: dict[str, Any] = {field: getattr(organisation, field) for field in PROFILE_FIELDS}
    state["logo"] = organisation.logo.name or ""
    return state


def _member_state(membership: Membership) -> dict[str, Any]:
    return {"email": membership.user.email, "role": membership.role}


def _person_state(person: ResourcePerson) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "chat_handle": person.chat_handle,
        "subjects": list(person.subjects),
    }


@transaction.atomic
def do_update_organisation(
    organisation: Organisation, *, actor: User, values: dict[str, Any]
) -> Organisation:
    """Change the profile. ``values["logo"]``: a new upload, ``False`` to remove it, else kept."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = _profile_state(organisation)
    for field in PROFILE_FIELDS:
        if field in values:
            setattr(organisation, field, values[field])
    logo = values.get("logo")
    old_logo = organisation.logo.name if organisation.logo else ""
    if isinstance(logo, UploadedFile):
        organisation.logo.save(logo.name or "logo", logo, save=False)
    elif logo is False:
        organisation.logo = None
    organisation.save()
    after = _profile_state(organisation)
    if after != before:
        record(
            organisation=organisation,
            actor=actor,
            action="organisation.updated",
            target=organisation,
            before={key: value for key, value in before.items() if after[key] != value},
            after={key: value for key, value in after.items() if before[key] != value},
            summary=str(_("Profil de l'organisation modifié")),
        )
    if old_logo and old_logo != after["logo"]:
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation


@dataclass(frozen=True)
class AddedMember:
    membership: Membership
    invited: bool  # True when the account was created and an invitation is on its way


@transaction.atomic
def do_add_member(organisation: Organisation, *, actor: User, email: str, role: str) -> AddedMember:
    """Give ``email`` a role; an unknown address gets an account and an invitation e-mail."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    invited = user is None
    if user is None:
        # No password until the person chooses one through the invitation link.
        user = User.objects.create_user(email, password=None)
    elif Membership.objects.filter(organisation=organisation, user=user).exists():
        raise AlreadyMemberError(email)
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    record(
        organisation=organisation,
        actor=actor,
        action="member.invited" if invited else "member.added",
        target=membership,
        before=None,
        after=_member_state(membership),
        summary=str(_("%(email)s ajouté comme %(role)s"))
        % {"email": email, "role": membership.get_role_display()},
    )
    if invited:
        from parvis.organisations.tasks import send_invitation

        membership_id, actor_id = membership.pk, actor.pk
        transaction.on_commit(lambda: send_invitation.enqueue(membership_id, actor_id))
    return AddedMember(membership, invited)


def _lock_admins(organisation: Organisation) -> list[int]:
    """The ids of the administrators' memberships, locked until the end of the transaction."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )


def _get_membership(organisation: Organisation, membership_id: int) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership_id, organisation=organisation)
    )


@transaction.atomic
def do_change_role(
    organisation: Organisation, *, actor: User, membership_id: int, role: str
) -> Membership:
    """Change a member's role; the last administrator cannot be demoted."""
    admins = _lock_admins(organisation)
    membership = _get_membership(organisation, membership_id)
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and admins == [membership.pk]:
        raise LastAdminError
    before = _member_state(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        organisation=organisation,
        actor=actor,
        action="member.role_changed",
        target=membership,
        before=before,
        after=_member_state(membership),
        summary=str(_("Rôle de %(email)s : %(role)s"))
        % {"email": membership.user.email, "role": membership.get_role_display()},
    )
    return membership


@transaction.atomic
def do_remove_member(organisation: Organisation, *, actor: User, membership_id: int) -> None:
    """Remove a member (their account stays); the last administrator cannot be removed."""
    admins = _lock_admins(organisation)
    membership = _get_membership(organisation, membership_id)
    if membership.role == Role.ADMIN and admins == [membership.pk]:
        raise LastAdminError
    record(
        organisation=organisation,
        actor=actor,
        action="member.removed",
        target=membership,
        before=_member_state(membership),
        after=None,
        summary=str(_("%(email)s retiré de l'organisation")) % {"email": membership.user.email},
    )
    membership.delete()


@transaction.atomic
def do_create_resource_person(
    organisation: Organisation, *, actor: User, values: dict[str, Any]
) -> ResourcePerson:
    person = ResourcePerson.objects.create(organisation=organisation, **values)
    record(
        organisation=organisation,
        actor=actor,
        action="resource_person.created",
        target=person,
        before=None,
        after=_person_state(person),
        summary=str(_("Personne ressource ajoutée : %(name)s")) % {"name": person.name},
    )
    return person


@transaction.atomic
def do_update_resource_person(
    organisation: Organisation, *, actor: User, person_id: int, values: dict[str, Any]
) -> ResourcePerson:
    person = ResourcePerson.objects.select_for_update().get(pk=person_id, organisation=organisation)
    before = _person_state(person)
    for field, value in values.items():
        setattr(person, field, value)
    person.save()
    after = _person_state(person)
    if after != before:
        record(
            organisation=organisation,
            actor=actor,
            action="resource_person.updated",
            target=person,
            before=before,
            after=after,
            summary=str(_("Personne ressource modifiée : %(name)s")) % {"name": person.name},
        )
    return person


@transaction.atomic
def do_delete_resource_person(organisation: Organisation, *, actor: User, person_id: int) -> None:
    person = ResourcePerson.objects.select_for_update().get(pk=person_id, organisation=organisation)
    record(
        organisation=organisation,
        actor=actor,
        action="resource_person.deleted",
        target=person,
        before=_person_state(person),
        after=None,
        summary=str(_("Personne ressource supprimée : %(name)s")) % {"name": person.name},
    )
    person.delete()
