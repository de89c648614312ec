"""Pages of the training network: create an account, play a scenario, read its timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.accounts.models import User
from parvis.connectors import actions
from parvis.connectors.models import ConnectedAccount, Network
from parvis.connectors.sandbox import scenarios
from parvis.connectors.sandbox.connector import connection_for
from parvis.connectors.sandbox.forms import SandboxAccountForm, ScenarioForm
from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import Permission
from parvis.organisations.settings_pages import settings_page


@org_view(Permission.MANAGE)
def connect(request: OrgRequest) -> HttpResponse:
    form = SandboxAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile = SandboxProfile.objects.create(
            handle=form.cleaned_data["name"],
            display_name=form.cleaned_data["display_name"],
            followers_count=form.cleaned_data["followers"],
        )
        account = actions.do_connect(
            request.organisation,
            actor=request.user,
            network=Network.SANDBOX,
            connection=connection_for(profile),
        )
        messages.success(
            request,
            _(
                "%(handle)s est créé dans le bac à sable : rien de ce qui y est publié "
                "ne quitte Parvis."
            )
            % {"handle": account.handle},
        )
        return redirect("connectors:account_detail", org=request.organisation.slug, pk=account.pk)
    return settings_page(request, "sandbox/connect.html", "accounts", {"form": form})


@org_view(Permission.PUBLISH)
@require_POST
def play(request: OrgRequest, pk: int) -> HttpResponse:
    _account, profile = _sandbox_account(request, pk)
    form = ScenarioForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un des scénarios proposés."))
    else:
        key = form.cleaned_data["scenario"]
        count = scenarios.play(profile, key)
        messages.success(
            request,
            _(
                "Scénario « %(label)s » lancé : %(count)d réactions arrivent dans les "
                "minutes qui viennent."
            )
            % {"label": scenarios.SCENARIOS[key].label, "count": count},
        )
    return redirect("connectors:account_detail", org=request.organisation.slug, pk=pk)


@login_required
def timeline(request: HttpRequest, handle: str) -> HttpResponse:
    """The account's page on the training network, for the members of its organisations."""
    profile = get_object_or_404(SandboxProfile, handle=handle)
    user: User = request.user  # type: ignore[assignment]  # login_required
    allowed = ConnectedAccount.objects.filter(
        network=Network.SANDBOX,
        remote_id=profile.remote_id,
        organisation__memberships__user=user,
    )
    if not allowed.exists():
        raise Http404
    posts = list(SandboxPost.objects.filter(profile=profile, deleted_at=None).order_by("-pk")[:200])
    replies: dict[str, list[SandboxPost]] = {}
    for post in posts:
        if post.in_reply_to:
            replies.setdefault(post.in_reply_to, []).append(post)
    threads = [
        (post, sorted(replies.get(post.remote_id, []), key=lambda r: r.pk))
        for post in posts
        if post.ours
    ]
    mentions = [post for post in posts if post.mentions_us]
    return render(
        request,
        "sandbox/timeline.html",
        {"profile": profile, "threads": threads, "mentions": mentions},
    )


def _sandbox_account(request: OrgRequest, pk: int) -> tuple[ConnectedAccount, SandboxProfile]:
    account = get_object_or_404(
        ConnectedAccount, pk=pk, organisation=request.organisation, network=Network.SANDBOX
    )
    return account, get_object_or_404(SandboxProfile, remote_id=account.remote_id)


@org_view(Permission.MANAGE)
@require_POST
def revoke(request: OrgRequest, pk: int) -> HttpResponse:
    """The "revoked token" exercise: the account's calls are refused until it is reconnected."""
    _account, profile = _sandbox_account(request, pk)
    SandboxProfile.objects.filter(pk=profile.pk).update(revoked=True)
    messages.warning(
        request,
        _(
            "Exercice : le jeton du compte est révoqué. La prochaine publication échouera "
            "et le compte demandera une reconnexion."
        ),
    )
    return redirect("connectors:account_detail", org=request.organisation.slug, pk=pk)


@org_view(Permission.MANAGE)
@require_POST
def reconnect(request: OrgRequest, pk: int) -> HttpResponse:
    _account, profile = _sandbox_account(request, pk)
    SandboxProfile.objects.filter(pk=profile.pk).update(revoked=False)
    profile.refresh_from_db()
    account = actions.do_connect(
        request.organisation,
        actor=request.user,
        network=Network.SANDBOX,
        connection=connection_for(profile),
    )
    messages.success(request, _("%(handle)s est connecté.") % {"handle": account.handle})
    return redirect("connectors:account_detail", org=request.organisation.slug, pk=pk)
