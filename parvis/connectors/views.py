"""Settings > Comptes des réseaux: connect, check and disconnect the organisation's accounts.

Reading needs ``Permission.VIEW`` (credentials are never shown); connecting and
disconnecting need ``Permission.MANAGE``. Connecting is interactive, so these views call the
network (registration on the instance, OAuth exchange, Bluesky login) within the request,
through the outbound wrapper and outside any database transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.accounts.models import User
from parvis.connectors import actions, services
from parvis.connectors.bluesky.connect import login
from parvis.connectors.errors import ConnectorError
from parvis.connectors.forms import BlueskyConnectForm, MastodonConnectForm
from parvis.connectors.labels import capability_rows
from parvis.connectors.mastodon import oauth
from parvis.connectors.models import ConnectedAccount, MastodonApplication, Network
from parvis.connectors.sandbox.forms import ScenarioForm
from parvis.connectors.sandbox.scenarios import SCENARIOS
from parvis.core.links import absolute_url
from parvis.organisations.access import OrgRequest, get_membership, org_view
from parvis.organisations.models import Permission
from parvis.organisations.settings_pages import settings_page

TAB = "accounts"
OAUTH_SESSION_KEY = "parvis_mastodon_oauth"


def _back(slug: str) -> HttpResponse:
    return redirect("connectors:accounts", org=slug)


@org_view(Permission.VIEW)
def accounts(request: OrgRequest) -> HttpResponse:
    rows = ConnectedAccount.objects.filter(organisation=request.organisation).select_related(
        "connected_by"
    )
    return settings_page(request, "connectors/accounts.html", TAB, {"accounts": rows})


@org_view(Permission.VIEW)
def account_detail(request: OrgRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(ConnectedAccount, pk=pk, organisation=request.organisation)
    connector = services.connector_for(account)  # no network call: what is known of it
    return settings_page(
        request,
        "connectors/account_detail.html",
        TAB,
        {
            "account": account,
            "capabilities": capability_rows(connector.account_capabilities()),
            "limits": connector.account_limits(),
            "can_publish": request.membership.allows(Permission.PUBLISH),
            "scenarios": list(SCENARIOS.items()),
            "scenario_form": ScenarioForm(),
        },
    )


@org_view(Permission.MANAGE)
@require_POST
def account_check(request: OrgRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        ConnectedAccount, pk=pk, organisation=request.organisation, disconnected_at=None
    )
    actions.do_check(account)
    messages.info(
        request,
        _("Vérification de %(handle)s en cours : rechargez la page dans un instant.")
        % {"handle": account.handle},
    )
    return redirect("connectors:account_detail", org=request.organisation.slug, pk=pk)


@org_view(Permission.MANAGE)
def account_disconnect(request: OrgRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        ConnectedAccount, pk=pk, organisation=request.organisation, disconnected_at=None
    )
    if request.method == "POST":
        actions.do_disconnect(request.organisation, actor=request.user, account_id=pk)
        messages.success(
            request, _("%(handle)s est déconnecté de Parvis.") % {"handle": account.handle}
        )
        return _back(request.organisation.slug)
    return settings_page(request, "connectors/account_disconnect.html", TAB, {"account": account})


# --- Mastodon: register once per instance, then the OAuth code flow ------------------------------


def _callback_url() -> str:
    return absolute_url("connectors_oauth:mastodon_callback")


def _application(instance_url: str) -> oauth.Application:
    """Parvis's OAuth client on this instance, registered once (again if our address moved)."""
    redirect_uri = _callback_url()
    known = MastodonApplication.objects.filter(
        instance_url=instance_url, redirect_uri=redirect_uri
    ).first()
    if known is not None:
        return oauth.Application(known.client_id, known.client_secret)
    application = oauth.register_application(instance_url, redirect_uri, absolute_url("front:home"))
    MastodonApplication.objects.update_or_create(
        instance_url=instance_url,
        defaults={
            "client_id": application.client_id,
            "client_secret": application.client_secret,
            "redirect_uri": redirect_uri,
            "scopes": " ".join(oauth.SCOPES),
        },
    )
    return application


@org_view(Permission.MANAGE)
def mastodon_connect(request: OrgRequest) -> HttpResponse:
    form = MastodonConnectForm(
        request.POST or None, initial={"instance": request.GET.get("instance", "")}
    )
    if request.method == "POST" and form.is_valid():
        instance_url = form.cleaned_data["instance"]
        state = get_random_string(32)
        try:
            application = _application(instance_url)
            url = oauth.authorization_url(instance_url, application, _callback_url(), state)
        except ConnectorError as error:
            form.add_error("instance", error.message)
        else:
            pending = request.session.get(OAUTH_SESSION_KEY, {})
            pending[state] = {"org": request.organisation.slug, "instance": instance_url}
            request.session[OAUTH_SESSION_KEY] = dict(list(pending.items())[-5:])
            return redirect(url)
    return settings_page(request, "connectors/mastodon_connect.html", TAB, {"form": form})


@login_required
def mastodon_callback(request: HttpRequest) -> HttpResponse:
    """Where the instance sends the administrator back, with a code (or a refusal)."""
    pending: dict[str, dict[str, str]] = request.session.get(OAUTH_SESSION_KEY, {})
    flow = pending.pop(str(request.GET.get("state", "")), None)
    request.session[OAUTH_SESSION_KEY] = pending
    if flow is None:
        raise Http404
    membership = get_membership(request.user, flow["org"])  # 404 if no longer a member
    if not membership.allows(Permission.MANAGE):
        raise Http404
    organisation = membership.organisation
    if "code" not in request.GET:
        messages.error(
            request,
            _("La connexion a été refusée ou annulée sur l'instance : aucun compte connecté."),
        )
        return _back(organisation.slug)
    instance_url = flow["instance"]
    try:
        application = _application(instance_url)
        connection = oauth.exchange_code(
            instance_url, application, str(request.GET["code"]), _callback_url()
        )
    except ConnectorError as error:
        messages.error(
            request, _("La connexion à Mastodon a échoué : %(reason)s") % {"reason": error.message}
        )
        return _back(organisation.slug)
    user: User = request.user  # type: ignore[assignment]  # login_required
    account = actions.do_connect(
        organisation, actor=user, network=Network.MASTODON, connection=connection
    )
    messages.success(request, _("%(handle)s est connecté.") % {"handle": account.handle})
    return _back(organisation.slug)


# --- Bluesky: handle and app password --------------------------------------------------------


@org_view(Permission.MANAGE)
def bluesky_connect(request: OrgRequest) -> HttpResponse:
    form = BlueskyConnectForm(
        request.POST or None, initial={"handle": request.GET.get("handle", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            connection = login(
                form.cleaned_data["handle"],
                form.cleaned_data["app_password"],
                form.cleaned_data["service"] or None,
            )
        except ConnectorError as error:
            form.add_error(None, error.message)
        else:
            account = actions.do_connect(
                request.organisation,
                actor=request.user,
                network=Network.BLUESKY,
                connection=connection,
            )
            messages.success(request, _("%(handle)s est connecté.") % {"handle": account.handle})
            return _back(request.organisation.slug)
    return settings_page(request, "connectors/bluesky_connect.html", TAB, {"form": form})
