"""The publishing section (``o/<org>/publication/``): compose, check, confirm, follow.

Contributors write drafts (``Permission.DRAFT``), shared by the whole team; community
managers confirm them (``Permission.PUBLISH``); an administrator (``Permission.MANAGE``)
may send despite a blocking finding, with a reason that is recorded.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from parvis.audit.services import record
from parvis.connectors.errors import ConnectorError
from parvis.connectors.feeds.models import FeedItem, SourceUse
from parvis.connectors.models import ConnectedAccount
from parvis.core.links import absolute_url
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import Permission
from parvis.publishing import agenda, composer, crisis, following, queue, regularity, suggestions
from parvis.publishing import delivery as deliveries
from parvis.publishing.actions import MediaRefusedError, enqueue_delivery, read_image
from parvis.publishing.forms import (
    ComposerForm,
    CrisisForm,
    FollowForm,
    QueueSlotForm,
    RescheduleForm,
    ScheduleForm,
    join_thread,
)
from parvis.publishing.models import (
    NOT_CLAIMED,
    UNFINISHED,
    CalendarFeed,
    Crisis,
    Delivery,
    DeliveryState,
    FollowedAccount,
    FollowedPost,
    Post,
    PostKind,
    PostMedia,
    PostState,
    QueueSlot,
    SuggestionDismissal,
    Variant,
    new_feed_token,
)
from parvis.strategy import editorial


def _themes(request: OrgRequest) -> list[str]:
    line = editorial.current(request.organisation)
    return list(line.themes) if line else []


def _post(request: OrgRequest, pk: int) -> Post:
    return get_object_or_404(Post, pk=pk, organisation=request.organisation)


@org_view(Permission.VIEW)
def index(request: OrgRequest) -> HttpResponse:
    posts = (
        Post.objects.filter(organisation=request.organisation)
        .select_related("created_by", "updated_by")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.select_related("account")),
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.exclude(state=DeliveryState.CANCELLED).select_related(
                    "account"
                ),
            ),
        )
    )
    confirmed = posts.filter(state=PostState.SCHEDULED)
    failed = confirmed.filter(deliveries__state=DeliveryState.FAILED).distinct()
    waiting = (
        confirmed.filter(deliveries__state__in=UNFINISHED)
        .exclude(pk__in=failed.values("pk"))
        .distinct()
        .order_by("scheduled_at")
    )
    sent = confirmed.exclude(pk__in=failed.values("pk")).exclude(pk__in=waiting.values("pk"))
    return render(
        request,
        "publishing/index.html",
        {
            "drafts": posts.filter(state=PostState.DRAFT),
            "waiting": waiting,
            "failed": failed,
            "sent": sent.order_by("-scheduled_at")[:50],
            "can_draft": request.membership.allows(Permission.DRAFT),
        },
    )


def _composer_form(
    request: OrgRequest, post: Post, data: object = None, files: object = None
) -> ComposerForm:
    accounts = composer.publishable_accounts(post)
    media_ids = list(post.media.values_list("pk", flat=True)) if post.pk else []
    initial: dict[str, object] = {"kind": post.kind, "target": post.target}
    if post.pk:
        variants = list(post.variants.all())
        initial |= {
            "text": post.text,
            "theme": post.theme,
            "content_warning": post.content_warning,
            "thread": join_thread(post.thread),
            "accounts": [variant.account_id for variant in variants],
            "revision": post.revision,
        }
        initial.update({f"variant_{v.account_id}": v.text for v in variants})
        initial.update({f"alt_{m.pk}": m.alt_text for m in post.media.all()})
    return ComposerForm(
        data,
        files,
        accounts=accounts,
        themes=_themes(request),
        media_ids=media_ids,
        initial=initial,
    )


def _edit_of(form: ComposerForm, new_media: object = None) -> composer.Edit:
    data = form.cleaned_data
    media_ids = [int(name[4:]) for name in form.fields if name.startswith("alt_")]
    return composer.Edit(
        text=data["text"],
        theme=data["theme"],
        content_warning=data["content_warning"],
        accounts=list(data["accounts"]),
        variant_texts={account.pk: form.variant_text(account) for account in data["accounts"]},
        alt_texts={pk: str(data.get(f"alt_{pk}") or "") for pk in media_ids},
        removed={pk for pk in media_ids if data.get(f"remove_{pk}")},
        new_media=new_media,  # type: ignore[arg-type]
        thread=form.thread_parts(),
        kind=data["kind"] or PostKind.POST,
        target=data["target"],
    )


def _compose(request: OrgRequest, post: Post) -> HttpResponse:
    if post.pk and post.state != PostState.DRAFT:
        return redirect("publishing:detail", org=request.organisation.slug, pk=post.pk)
    form = _composer_form(request, post, request.POST or None, request.FILES or None)
    conflict: Post | None = None
    if request.method == "POST" and form.is_valid():
        new_media = None
        upload = form.cleaned_data.get("image")
        try:
            if upload is not None:
                new_media = read_image(upload.read(), upload.name, form.cleaned_data["image_alt"])
        except MediaRefusedError as error:
            form.add_error("image", str(error))
        else:
            try:
                saved = composer.save_draft(
                    post,
                    _edit_of(form, new_media),
                    actor=request.user,
                    revision=form.cleaned_data.get("revision"),
                )
            except composer.ConflictError:
                conflict = Post.objects.select_related("updated_by").get(pk=post.pk)
                form.add_error(
                    None,
                    _(
                        "Ce brouillon a été modifié par %(who)s pendant que vous l'écriviez : "
                        "votre texte est conservé ci-dessous, la version enregistrée est "
                        "affichée à côté. Reprenez ce qu'il faut, puis enregistrez."
                    )
                    % {"who": conflict.updated_by or _("quelqu'un d'autre")},
                )
            else:
                if "confirm" in request.POST:
                    return redirect(
                        "publishing:confirm", org=request.organisation.slug, pk=saved.pk
                    )
                messages.success(request, _("Brouillon enregistré."))
                return redirect("publishing:edit", org=request.organisation.slug, pk=saved.pk)
    return render(
        request,
        "publishing/compose.html",
        {
            "form": form,
            "post": post,
            "conflict": conflict,
            "media": form.media_fields(list(post.media.all()) if post.pk else []),
            "variant_fields": form.variant_fields(),
            "accounts": form.account_list,
            "can_publish": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view(Permission.DRAFT)
def new(request: OrgRequest) -> HttpResponse:
    """A new post; ``?kind=reply&target=<address>`` opens it as a reply (quote, repost)."""
    post = Post(organisation=request.organisation)
    if request.GET.get("kind") in PostKind.values:
        post.kind = request.GET["kind"]
        post.target = request.GET.get("target", "")[:500]
    return _compose(request, post)


@org_view(Permission.DRAFT)
def edit(request: OrgRequest, pk: int) -> HttpResponse:
    return _compose(request, _post(request, pk))


@org_view(Permission.DRAFT)
@require_POST
def check(request: OrgRequest) -> HttpResponse:
    """The live check (htmx): what the form holds now, checked for each chosen account."""
    post = Post(organisation=request.organisation)
    saved = None
    if request.POST.get("post"):
        saved = Post.objects.filter(
            pk=str(request.POST["post"]), organisation=request.organisation
        ).first()
    form = _composer_form(request, saved or post, request.POST)
    form.is_valid()  # the check reads what is valid; errors are the form's own business
    data = form.cleaned_data
    post.text = str(data.get("text") or "")
    post.content_warning = str(data.get("content_warning") or "")
    post.thread = list(form.thread_parts())
    post.kind = str(data.get("kind") or PostKind.POST)
    post.target = str(data.get("target") or "").strip()
    accounts = list(data.get("accounts") or [])
    variants = [Variant(post=post, account=a, text=form.variant_text(a)) for a in accounts]
    media: list[PostMedia] = []
    if saved is not None:
        for item in saved.media.all():
            if data.get(f"remove_{item.pk}"):
                continue
            if f"alt_{item.pk}" in data:
                item.alt_text = str(data.get(f"alt_{item.pk}") or "")
            media.append(item)
    checked = composer.check_post(post, variants, media)
    return render(request, "publishing/_checks.html", {"checked": checked})


@org_view(Permission.VIEW)
def detail(request: OrgRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    if post.state == PostState.DRAFT:
        return redirect("publishing:edit", org=request.organisation.slug, pk=pk)
    rows = post.deliveries.select_related("account").order_by(
        "account__handle", "-created_at", "position"
    )
    live = [d for d in rows if d.state != DeliveryState.CANCELLED]
    return render(
        request,
        "publishing/detail.html",
        {
            "post": post,
            "deliveries": live,
            "cancelled": [d for d in rows if d.state == DeliveryState.CANCELLED],
            "pending": any(d.state in NOT_CLAIMED for d in live),
            "in_flight": any(
                d.state in (DeliveryState.PENDING, DeliveryState.SENDING) for d in live
            ),
            "media": list(post.media.all()),
            "can_publish": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view(Permission.PUBLISH)
def confirm(request: OrgRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    if post.state != PostState.DRAFT:
        return redirect("publishing:detail", org=request.organisation.slug, pk=pk)
    may_override = request.membership.allows(Permission.MANAGE)
    form = ScheduleForm(request.POST or None, initial={"revision": post.revision})
    if request.method == "POST" and form.is_valid():
        try:
            composer.confirm(
                post,
                actor=request.user,
                revision=form.cleaned_data["revision"],
                when=form.cleaned_data["at"],
                override_reason=form.cleaned_data["override_reason"],
                may_override=may_override,
                queue=form.cleaned_data["when"] == "queue",
            )
        except composer.ConfirmError as error:
            form.add_error(None, str(error))
        else:
            return redirect("publishing:detail", org=request.organisation.slug, pk=pk)
    checked = composer.check_post(post)
    return render(
        request,
        "publishing/confirm.html",
        {
            "post": post,
            "form": form,
            "checked": checked,
            "media": list(post.media.all()),
            "may_override": may_override,
            "undo_seconds": int(composer.undo_window().total_seconds()),
        },
    )


@org_view(Permission.PUBLISH)
@require_POST
def cancel(request: OrgRequest, pk: int) -> HttpResponse:
    post = _post(request, pk)
    cancelled, gone = composer.cancel(post, actor=request.user)
    if cancelled and not gone:
        messages.success(request, _("Envoi annulé : la publication est redevenue un brouillon."))
        return redirect("publishing:edit", org=request.organisation.slug, pk=pk)
    if cancelled:
        messages.warning(
            request,
            _("%(cancelled)d envoi(s) annulé(s) ; %(gone)d étai(en)t déjà parti(s).")
            % {"cancelled": cancelled, "gone": gone},
        )
    else:
        messages.error(request, _("Trop tard : la publication est déjà partie."))
    return redirect("publishing:detail", org=request.organisation.slug, pk=pk)


@org_view(Permission.PUBLISH)
@require_POST
def retry(request: OrgRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk, organisation=request.organisation)
    if deliveries.retry(delivery):
        delivery.refresh_from_db()
        enqueue_delivery(delivery)
        record(
            organisation=request.organisation,
            actor=request.user,
            action="post.retried",
            target=delivery,
            after={"account": delivery.account.handle},
            summary=str(_("Nouvel essai d'envoi sur %(handle)s"))
            % {"handle": delivery.account.handle},
        )
        messages.success(
            request,
            _("Nouvel essai sur %(handle)s en cours.") % {"handle": delivery.account.handle},
        )
    target = delivery.post_id
    if target is None:
        return redirect("publishing:index", org=request.organisation.slug)
    return redirect("publishing:detail", org=request.organisation.slug, pk=target)


@org_view(Permission.DRAFT)
def delete(request: OrgRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk, organisation=request.organisation, state=PostState.DRAFT)
    if post.deliveries.exists():  # cancelled deliveries are its record: keep it
        messages.error(request, _("Ce brouillon a déjà été confirmé une fois : il est conservé."))
        return redirect("publishing:edit", org=request.organisation.slug, pk=pk)
    if request.method == "POST":
        for item in post.media.all():
            item.file.delete(save=False)
        post.delete()
        messages.success(request, _("Brouillon supprimé."))
        return redirect("publishing:index", org=request.organisation.slug)
    return render(request, "publishing/delete.html", {"post": post})


# --- Crisis mode --------------------------------------------------------------------------------


def _crisis_page(request: OrgRequest, key: str, form: CrisisForm | None) -> HttpResponse:
    """The crisis page: its templates when off; its broadcast and what it paused when on."""
    organisation = request.organisation
    current = crisis.active(organisation)
    return render(
        request,
        "publishing/crisis.html",
        {
            "current": current,
            "broadcast": (
                current.post.deliveries.select_related("account")
                if current and current.post
                else []
            ),
            "paused": Delivery.objects.filter(
                organisation=organisation, state=DeliveryState.PAUSED
            ).select_related("account", "post"),
            "templates": list(crisis.TEMPLATES.items()),
            "key": key,
            "template": crisis.TEMPLATES.get(key),
            "form": form,
            "can_publish": request.membership.allows(Permission.PUBLISH),
            "history": Crisis.objects.filter(organisation=organisation).exclude(ended_at=None)[:10],
            "prepared": Post.objects.filter(
                organisation=organisation, state=PostState.DRAFT
            ).exclude(crisis_kind=""),
        },
    )


@org_view(Permission.VIEW)
def crisis_page(request: OrgRequest) -> HttpResponse:
    key = str(request.GET.get("modele") or "")
    template = crisis.TEMPLATES.get(key)
    return _crisis_page(request, key, CrisisForm(template=template) if template else None)


@org_view(Permission.PUBLISH)
@require_POST
def crisis_prepare(request: OrgRequest) -> HttpResponse:
    """The template filled in: a draft for every connected account, to check and confirm."""
    key = str(request.POST.get("modele") or "")
    template = crisis.TEMPLATES.get(key)
    if template is None:
        messages.error(request, _("Choisissez un des modèles proposés."))
        return redirect("publishing:crisis", org=request.organisation.slug)
    form = CrisisForm(request.POST, template=template)
    if not form.is_valid():
        return _crisis_page(request, key, form)
    post = Post(organisation=request.organisation, crisis_kind=key)
    accounts = composer.publishable_accounts(post)
    composer.save_draft(
        post,
        composer.Edit(
            text=crisis.fill(template, form.cleaned_data),
            theme="",
            content_warning="",
            accounts=accounts,
            variant_texts={},
            alt_texts={},
            removed=set(),
        ),
        actor=request.user,
        revision=None,
    )
    return redirect("publishing:crisis_confirm", org=request.organisation.slug, pk=post.pk)


@org_view(Permission.PUBLISH)
def crisis_confirm(request: OrgRequest, pk: int) -> HttpResponse:
    """Last look at the broadcast; confirming opens crisis mode and sends it everywhere."""
    post = get_object_or_404(Post, pk=pk, organisation=request.organisation, state=PostState.DRAFT)
    key = post.crisis_kind
    template = crisis.TEMPLATES.get(key)
    if template is None:
        raise Http404
    may_override = request.membership.allows(Permission.MANAGE)
    error = ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                opened = crisis.start(
                    request.organisation, actor=request.user, kind=key, title=str(template.label)
                )
                composer.confirm(
                    post,
                    actor=request.user,
                    revision=int(request.POST.get("revision") or 0),
                    override_reason=str(request.POST.get("override_reason") or ""),
                    may_override=may_override,
                    broadcast=True,
                )
                Crisis.objects.filter(pk=opened.pk).update(post=post)
        except (crisis.CrisisError, composer.ConfirmError) as refused:
            error = str(refused)
        else:
            messages.warning(
                request,
                _(
                    "Mode crise déclenché : le message part sur tous les comptes, le reste "
                    "est en pause."
                ),
            )
            return redirect("publishing:crisis", org=request.organisation.slug)
    return render(
        request,
        "publishing/crisis_confirm.html",
        {
            "post": post,
            "key": key,
            "template": template,
            "checked": composer.check_post(post),
            "error": error,
            "may_override": may_override,
            "undo_seconds": int(composer.undo_window().total_seconds()),
        },
    )


@org_view(Permission.PUBLISH)
@require_POST
def crisis_end(request: OrgRequest) -> HttpResponse:
    current = crisis.active(request.organisation)
    if current is None:
        messages.info(request, _("Aucun mode crise en cours."))
    else:
        resumed, left = crisis.end(current, actor=request.user)
        messages.success(
            request,
            _(
                "Fin du mode crise : %(resumed)d envoi(s) programmé(s) repris ; %(left)d "
                "dont l'heure est passée attendent votre décision."
            )
            % {"resumed": resumed, "left": left},
        )
    return redirect("publishing:crisis", org=request.organisation.slug)


@org_view(Permission.PUBLISH)
@require_POST
def resume(request: OrgRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery, pk=pk, organisation=request.organisation, state=DeliveryState.PAUSED
    )
    try:
        crisis.resume(delivery, actor=request.user, when=timezone.now() + composer.undo_window())
    except crisis.CrisisError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, _("Envoi repris sur %(handle)s.") % {"handle": delivery.account.handle}
        )
    return redirect("publishing:crisis", org=request.organisation.slug)


@org_view(Permission.VIEW)
def regularity_page(request: OrgRequest) -> HttpResponse:
    rows = regularity.for_organisation(request.organisation)
    return render(
        request,
        "publishing/regularity.html",
        {
            "rows": rows,
            "mondays": [week.monday for week in rows[0].weeks] if rows else [],
            "now": timezone.now(),
            "notice_hours": settings.PARVIS_GAP_NOTICE_HOURS,
        },
    )


# --- Editorial calendar ---------------------------------------------------------------------------

DAY_NAMES = (
    _lazy("lundi"),
    _lazy("mardi"),
    _lazy("mercredi"),
    _lazy("jeudi"),
    _lazy("vendredi"),
    _lazy("samedi"),
    _lazy("dimanche"),
)


def _anchor(request: OrgRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(str(request.GET.get("date") or ""))
    except ValueError:
        return timezone.localdate()


@org_view(Permission.VIEW)
def calendar_page(request: OrgRequest) -> HttpResponse:
    anchor = _anchor(request)
    if request.GET.get("vue") == "semaine":
        monday = regularity.monday_of(anchor)
        weeks = [agenda.week(request.organisation, monday)]
        previous, following = monday - dt.timedelta(weeks=1), monday + dt.timedelta(weeks=1)
        heading = _("Semaine du %(day)s") % {"day": date_format(monday, "j F Y")}
        view = "week"
    else:
        weeks = agenda.month(request.organisation, anchor.year, anchor.month)
        first = anchor.replace(day=1)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        heading = date_format(first, "F Y")
        view = "month"
    feed = CalendarFeed.objects.filter(organisation=request.organisation).first()
    return render(
        request,
        "publishing/calendar.html",
        {
            "weeks": weeks,
            "view": view,
            "view_param": "semaine" if view == "week" else "mois",
            "anchor": anchor,
            "previous": previous,
            "following": following,
            "heading": heading,
            "day_names": DAY_NAMES,
            "now": timezone.now(),
            "can_publish": request.membership.allows(Permission.PUBLISH),
            "can_manage": request.membership.allows(Permission.MANAGE),
            "feed_url": absolute_url("publishing_feed:ical", token=feed.token) if feed else "",
        },
    )


@org_view(Permission.PUBLISH)
def reschedule(request: OrgRequest, pk: int) -> HttpResponse:
    """Move a post: from the calendar (drag: a day, same time) or with the form."""
    post = get_object_or_404(
        Post, pk=pk, organisation=request.organisation, state=PostState.SCHEDULED
    )
    current = timezone.localtime(post.scheduled_at) if post.scheduled_at else timezone.localtime()
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("keep_time"):
        data["clock"] = current.strftime("%H:%M")
    form = RescheduleForm(data, initial={"day": current.date(), "clock": current.time()})
    if data is not None and form.is_valid():
        try:
            agenda.reschedule(post, form.cleaned_data["at"], actor=request.user)
        except agenda.RescheduleError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Publication déplacée au %(when)s.")
                % {"when": date_format(timezone.localtime(post.scheduled_at), "j F Y, H:i")},
            )
            target = reverse("publishing:calendar", kwargs={"org": request.organisation.slug})
            day = timezone.localtime(post.scheduled_at).date()
            return redirect(f"{target}?vue=mois&date={day.isoformat()}")
    if request.htmx and data is not None:  # type: ignore[attr-defined]  # a refused drop: say why
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        target = reverse("publishing:calendar", kwargs={"org": request.organisation.slug})
        return redirect(f"{target}?vue=mois&date={current.date().isoformat()}")
    return render(request, "publishing/reschedule.html", {"post": post, "form": form})


@org_view(Permission.MANAGE)
@require_POST
def calendar_feed(request: OrgRequest) -> HttpResponse:
    """Create the private iCalendar link, or replace it (the old one stops working)."""
    CalendarFeed.objects.update_or_create(
        organisation=request.organisation, defaults={"token": new_feed_token()}
    )
    record(
        organisation=request.organisation,
        actor=request.user,
        action="calendar_feed.renewed",
        target=request.organisation,
        summary=str(_("Lien privé du calendrier éditorial créé ou changé")),
    )
    messages.success(request, _("Nouveau lien d'agenda créé : l'ancien ne fonctionne plus."))
    return redirect("publishing:calendar", org=request.organisation.slug)


def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The organisation's publications as iCalendar, for whoever holds the private link."""
    feed = CalendarFeed.objects.select_related("organisation").filter(token=token).first()
    if feed is None or not constant_time_compare(feed.token, token):
        raise Http404
    response = HttpResponse(
        agenda.ical(feed.organisation), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{feed.organisation.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Curated sources ------------------------------------------------------------------------------


def _suggestions_page(request: OrgRequest, follow_form: FollowForm | None = None) -> HttpResponse:
    organisation = request.organisation
    accounts = composer.publishable_accounts(Post(organisation=organisation))
    return render(
        request,
        "publishing/suggestions.html",
        {
            "suggestions": suggestions.for_organisation(organisation),
            "sources": suggestions.sources(organisation),
            "followed": following.followed_accounts(organisation),
            "followed_posts": following.suggestions(organisation),
            "follow_form": follow_form or FollowForm(accounts=accounts),
            "can_draft": request.membership.allows(Permission.DRAFT),
            "can_follow": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view(Permission.VIEW)
def suggestions_page(request: OrgRequest) -> HttpResponse:
    return _suggestions_page(request)


@org_view(Permission.PUBLISH)
@require_POST
def follow_add(request: OrgRequest) -> HttpResponse:
    accounts = composer.publishable_accounts(Post(organisation=request.organisation))
    form = FollowForm(request.POST, accounts=accounts)
    if form.is_valid():
        try:
            followed = following.follow(
                form.cleaned_data["account"], form.cleaned_data["handle"], actor=request.user
            )
        except following.FollowError as error:
            form.add_error("handle", str(error))
        else:
            messages.success(
                request,
                _("%(handle)s est suivi : ses publications sont proposées ci-dessous.")
                % {"handle": followed.handle},
            )
            return redirect("publishing:suggestions", org=request.organisation.slug)
    return _suggestions_page(request, form)


def _followed(request: OrgRequest, pk: int) -> FollowedAccount:
    return get_object_or_404(FollowedAccount, pk=pk, organisation=request.organisation)


@org_view(Permission.PUBLISH)
@require_POST
def follow_read(request: OrgRequest, pk: int) -> HttpResponse:
    followed = _followed(request, pk)
    try:
        count = following.read(followed)
    except ConnectorError as error:
        messages.error(
            request,
            _("Impossible de lire %(handle)s : %(reason)s")
            % {"handle": followed.handle, "reason": error.message},
        )
    else:
        messages.success(
            request,
            _("%(handle)s relu : %(count)d nouvelle(s) publication(s).")
            % {"handle": followed.handle, "count": count},
        )
    return redirect("publishing:suggestions", org=request.organisation.slug)


@org_view(Permission.PUBLISH)
@require_POST
def follow_remove(request: OrgRequest, pk: int) -> HttpResponse:
    followed = _followed(request, pk)
    record(
        organisation=request.organisation,
        actor=request.user,
        action="followed_account.deleted",
        target=followed,
        before={"handle": followed.handle, "account": followed.account.handle},
        summary=str(_("%(handle)s n'est plus suivi.")) % {"handle": followed.handle},
    )
    followed.delete()
    messages.success(request, _("%(handle)s n'est plus suivi.") % {"handle": followed.handle})
    return redirect("publishing:suggestions", org=request.organisation.slug)


@org_view(Permission.DRAFT)
@require_POST
def followed_dismiss(request: OrgRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(FollowedPost, pk=pk, followed__organisation=request.organisation)
    FollowedPost.objects.filter(pk=post.pk).update(
        dismissed_at=timezone.now(), dismissed_by=request.user
    )
    messages.success(request, _("Publication de %(handle)s écartée.") % {"handle": post.followed})
    return redirect("publishing:suggestions", org=request.organisation.slug)


def _suggested_item(request: OrgRequest, pk: int) -> FeedItem:
    return get_object_or_404(
        FeedItem, pk=pk, source__organisation=request.organisation, source__use=SourceUse.SHARING
    )


@org_view(Permission.DRAFT)
@require_POST
def share(request: OrgRequest, pk: int) -> HttpResponse:
    """A draft sharing the item (title and address), to write and check in the composer."""
    item = _suggested_item(request, pk)
    post = Post.objects.create(
        organisation=request.organisation,
        created_by=request.user,
        updated_by=request.user,
        text=suggestions.draft_text(item),
        source_item=item,
    )
    messages.info(
        request,
        _("Brouillon créé à partir de « %(title)s » : choisissez les comptes et relisez-le.")
        % {"title": item.title},
    )
    return redirect("publishing:edit", org=request.organisation.slug, pk=post.pk)


@org_view(Permission.DRAFT)
@require_POST
def dismiss(request: OrgRequest, pk: int) -> HttpResponse:
    item = _suggested_item(request, pk)
    SuggestionDismissal.objects.get_or_create(item=item, defaults={"dismissed_by": request.user})
    messages.success(request, _("« %(title)s » n'est plus suggéré.") % {"title": item.title})
    return redirect("publishing:suggestions", org=request.organisation.slug)


# --- Queues of time slots -------------------------------------------------------------------------


@org_view(Permission.VIEW)
def queue_page(request: OrgRequest) -> HttpResponse:
    accounts = composer.publishable_accounts(Post(organisation=request.organisation))
    after = timezone.now() + composer.undo_window()
    rows = [
        (
            account,
            QueueSlot.objects.filter(account=account),
            queue.upcoming(account, after, 5),
            QueueSlotForm(prefix=f"a{account.pk}"),
        )
        for account in accounts
    ]
    return render(
        request,
        "publishing/queue.html",
        {"rows": rows, "can_publish": request.membership.allows(Permission.PUBLISH)},
    )


@org_view(Permission.PUBLISH)
@require_POST
def queue_add(request: OrgRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(
        ConnectedAccount, pk=pk, organisation=request.organisation, disconnected_at=None
    )
    form = QueueSlotForm(request.POST, prefix=f"a{account.pk}")
    if form.is_valid():
        _slot, created = QueueSlot.objects.get_or_create(account=account, **form.cleaned_data)
        if created:
            messages.success(
                request, _("Créneau ajouté à la file de %(handle)s.") % {"handle": account.handle}
            )
        else:
            messages.info(request, _("Ce créneau est déjà dans la file."))
    else:
        messages.error(request, _("Indiquez un jour et une heure."))
    return redirect("publishing:queue", org=request.organisation.slug)


@org_view(Permission.PUBLISH)
@require_POST
def queue_remove(request: OrgRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(QueueSlot, pk=pk, account__organisation=request.organisation)
    slot.delete()
    messages.success(
        request, _("Créneau retiré : les publications déjà placées gardent leur heure.")
    )
    return redirect("publishing:queue", org=request.organisation.slug)
