"""Every page of an organisation goes through ``org_view``: outsiders get 404, never a hint."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from parvis.accounts.models import User
from parvis.organisations.models import Membership, Organisation, Permission

P = ParamSpec("P")


class OrgRequest(HttpRequest):
    """A request inside an organisation the user belongs to."""

    user: User
    organisation: Organisation
    membership: Membership


def get_membership(user: Any, slug: str) -> Membership:
    """The user's membership of the organisation ``slug``, or 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def org_view(
    permission: str = Permission.VIEW,
) -> Callable[
    [Callable[Concatenate[OrgRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Decorate a view whose URL holds ``<slug:org>``; the view receives an ``OrgRequest``."""

    def decorator(
        view: Callable[Concatenate[OrgRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            slug = kwargs.pop("org")
            membership = get_membership(request.user, str(slug))
            if not membership.allows(permission):
                raise PermissionDenied
            org_request: OrgRequest = request  # type: ignore[assignment]
            org_request.organisation = membership.organisation
            org_request.membership = membership
            request.session["current_org"] = membership.organisation.slug
            return view(org_request, *args, **kwargs)

        update_wrapper(wrapper, view)
        return wrapper

    return decorator
