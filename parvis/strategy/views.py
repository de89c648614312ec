"""The strategy section (``o/<org>/strategie/``) and the public charter page (``chartes/``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.audit.services import record
from parvis.jobs.api import enqueue_after_commit
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import Organisation, Permission
from parvis.strategy import buzzform, certification, charters, objectives
from parvis.strategy import editorial as lines
from parvis.strategy.charters import ArticleText, CharterText
from parvis.strategy.forms import (
    ArticleForm,
    BuzzForm,
    CertificationForm,
    CharterForm,
    DeclareAccountForm,
    DeleteArticleForm,
    EditorialLineForm,
    ObjectiveForm,
)
from parvis.strategy.models import (
    BuzzFormVersion,
    Certification,
    CharterKind,
    CharterVersion,
    EditorialLineVersion,
    Objective,
)
from parvis.strategy.tasks import send_buzzform

V = TypeVar("V", bound=Model)


def _kind(kind: str) -> str:
    if kind not in CharterKind.values:
        raise Http404
    return kind


def _current_or_404(request: OrgRequest, kind: str) -> CharterVersion:
    version = charters.current(request.organisation, kind)
    if version is None:
        raise Http404
    return version


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data; an empty form (every field optional) is still submitted."""
    return request.POST if request.method == "POST" else None


def _shown_and_latest(versions: QuerySet[V], number: int | None) -> tuple[V | None, V | None]:
    """Version ``number`` of ``versions`` (404 when there is none), or the latest one; and
    the latest one, the version in force."""
    latest = versions.order_by("-number").first()
    return (latest if number is None else get_object_or_404(versions, number=number)), latest


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _back(request: OrgRequest, kind: str) -> HttpResponse:
    return redirect("strategy:charter", org=request.organisation.slug, kind=kind)


@org_view()
def index(request: OrgRequest) -> HttpResponse:
    found = {kind: charters.current(request.organisation, kind) for kind in CharterKind.values}
    return render(
        request,
        "strategy/index.html",
        {
            "charters": [(CharterKind(kind), version) for kind, version in found.items()],
            "line": lines.current(request.organisation),
            "can_edit": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view()
def charter(request: OrgRequest, kind: str, number: int | None = None) -> HttpResponse:
    """The version in force (or version ``number``), and the history of the versions."""
    kind = _kind(kind)
    versions = CharterVersion.objects.filter(organisation=request.organisation, kind=kind)
    version, latest = _shown_and_latest(versions, number)
    return render(
        request,
        "strategy/charter.html",
        {
            "kind": CharterKind(kind),
            "version": version,
            "articles": version.articles.all() if version else [],
            "is_current": version is not None and version == latest,
            "versions": versions.select_related("author").order_by("-number"),
            "can_edit": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view(Permission.PUBLISH)
def start(request: OrgRequest, kind: str) -> HttpResponse:
    """Write version 1 from the model charter (POST only; refused when one exists)."""
    kind = _kind(kind)
    if request.method == "POST" and charters.current(request.organisation, kind) is None:
        charters.write(
            request.organisation,
            kind,
            charters.model_charter(kind, request.organisation),
            actor=request.user,
            note=_("Première version, d'après le modèle de Parvis."),
        )
        messages.success(request, _("La charte est créée d'après le modèle : adaptez-la."))
    return _back(request, kind)


@org_view(Permission.PUBLISH)
def edit(request: OrgRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    version = _current_or_404(request, kind)
    initial = {"title": version.title, "introduction": version.introduction}
    form = CharterForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        title, introduction = form.cleaned_data["title"], form.cleaned_data["introduction"]
        note = form.cleaned_data["change_note"] or _("Préambule modifié.")
        return _save(
            request, kind, lambda text: CharterText(title, introduction, text.articles), note
        )
    return _form_page(request, kind, form, _("Modifier le titre et le préambule"))


@org_view(Permission.PUBLISH)
def article(request: OrgRequest, kind: str, number: int | None = None) -> HttpResponse:
    """Add an article (``number`` None) or change article ``number``: a new version."""
    kind = _kind(kind)
    version = _current_or_404(request, kind)
    existing = get_object_or_404(version.articles, number=number) if number else None
    form = ArticleForm(_posted(request), instance=existing)
    if request.method == "POST" and form.is_valid():
        values = ArticleText(
            form.cleaned_data["title"], form.cleaned_data["body"], form.cleaned_data["category"]
        )
        default = (
            _("Article %(number)d modifié.") % {"number": number}
            if number
            else _("Article %(number)d ajouté.") % {"number": version.articles.count() + 1}
        )
        return _save(
            request,
            kind,
            lambda text: charters.with_article(text, number, values),
            form.cleaned_data["change_note"] or default,
        )
    title = _("Ajouter un article")
    if number:
        title = _("Modifier l'article %(number)d") % {"number": number}
    return _form_page(request, kind, form, title)


@org_view(Permission.PUBLISH)
def article_delete(request: OrgRequest, kind: str, number: int) -> HttpResponse:
    kind = _kind(kind)
    version = _current_or_404(request, kind)
    existing = get_object_or_404(version.articles, number=number)
    form = DeleteArticleForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        default = _("Article %(number)d supprimé.") % {"number": number}
        return _save(
            request,
            kind,
            lambda text: charters.without_article(text, number),
            form.cleaned_data["change_note"] or default,
        )
    return render(
        request,
        "strategy/article_delete.html",
        {"kind": CharterKind(kind), "article": existing, "version": version, "form": form},
    )


def _save(
    request: OrgRequest, kind: str, edit: Callable[[CharterText], CharterText], note: str
) -> HttpResponse:
    """Apply ``edit`` to the version in force, as it is when the new version is written."""

    def on_current(text: CharterText | None) -> CharterText:
        if text is None:  # a charter is never deleted: its first version was read above
            raise Http404
        return edit(text)

    try:
        version = charters.change(
            request.organisation, kind, on_current, actor=request.user, note=note
        )
    except charters.ArticleGoneError:
        messages.error(
            request,
            _(
                "Cet article a changé entre-temps (une autre personne a modifié la charte) : "
                "rien n'a été enregistré. Relisez la version en vigueur."
            ),
        )
    else:
        messages.success(
            request,
            _("Version %(number)d enregistrée ; les versions précédentes restent consultables.")
            % {"number": version.number},
        )
    return _back(request, kind)


def _form_page(request: OrgRequest, kind: str, form: object, title: str) -> HttpResponse:
    return render(
        request,
        "strategy/charter_form.html",
        {"kind": CharterKind(kind), "form": form, "title": title},
    )


def public_charter(request: HttpRequest, org: str, number: int | None = None) -> HttpResponse:
    """The public moderation charter of ``org``: no login, the version in force by default."""
    organisation = get_object_or_404(Organisation, slug=org)
    versions = CharterVersion.objects.filter(organisation=organisation, kind=CharterKind.MODERATION)
    version, latest = _shown_and_latest(versions, number)
    if version is None:
        raise Http404
    return render(
        request,
        "strategy/public_charter.html",
        {
            "public_organisation": organisation,
            "version": version,
            "articles": version.articles.all(),
            "latest": latest,
            "theme": organisation.effective_theme,
            "base_template": f"front/{organisation.effective_theme}/base.html",
        },
    )


# --- Editorial line ------------------------------------------------------------------------------


@org_view()
def editorial(request: OrgRequest, number: int | None = None) -> HttpResponse:
    """The editorial line in force (or version ``number``), and its history."""
    versions = EditorialLineVersion.objects.filter(organisation=request.organisation)
    line, latest = _shown_and_latest(versions, number)
    history = [
        (version, lines.field_labels(version.changed_fields))
        for version in versions.select_related("author").order_by("-number")
    ]
    return render(
        request,
        "strategy/editorial.html",
        {
            "line": line,
            "is_current": line is not None and line == latest,
            "history": history,
            "can_edit": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view(Permission.PUBLISH)
def editorial_edit(request: OrgRequest) -> HttpResponse:
    line = lines.current(request.organisation)
    # A first editorial line starts from the questionnaire's answers (themes, cadence).
    initial = (
        EditorialLineForm.initial_from(lines.values_of(line))
        if line
        else buzzform.editorial_seed(request.organisation)
    )
    form = EditorialLineForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["change_note"] or (
            _("Première version.") if line is None else _("Ligne éditoriale mise à jour.")
        )
        version = lines.write(request.organisation, form.values(), actor=request.user, note=note)
        messages.success(
            request,
            _("Version %(number)d enregistrée ; les versions précédentes restent consultables.")
            % {"number": version.number},
        )
        return redirect("strategy:editorial", org=request.organisation.slug)
    return render(request, "strategy/editorial_form.html", {"form": form, "line": line})


@org_view()
def editorial_export(request: OrgRequest, number: int, fmt: str) -> HttpResponse:
    """Version ``number`` as Markdown or PDF: the dossier a network asks to certify an account."""
    line = get_object_or_404(EditorialLineVersion, organisation=request.organisation, number=number)
    name = f"ligne-editoriale-{request.organisation.slug}-v{line.number}"
    if fmt == "md":
        return _download(lines.markdown(line), "text/markdown; charset=utf-8", f"{name}.md")
    if fmt == "pdf":
        return _download(lines.pdf(line), "application/pdf", f"{name}.pdf")
    raise Http404


# --- Certification -------------------------------------------------------------------------------


@org_view()
def certifications(request: OrgRequest) -> HttpResponse:
    rows = [
        (item, certification.checklist(item))
        for item in certification.for_organisation(request.organisation)
    ]
    return render(
        request,
        "strategy/certifications.html",
        {"rows": rows, "can_edit": request.membership.allows(Permission.PUBLISH)},
    )


@org_view(Permission.PUBLISH)
def certification_declare(request: OrgRequest) -> HttpResponse:
    form = DeclareAccountForm(_posted(request), organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.organisation = request.organisation
        item.updated_by = request.user
        item.save()
        return redirect("strategy:certification", org=request.organisation.slug, pk=item.pk)
    return render(request, "strategy/certification_declare.html", {"form": form})


@org_view()
def certification_detail(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Certification, pk=pk, organisation=request.organisation)
    steps = [(step.key, step.label) for step, _done in certification.checklist(item)]
    form = CertificationForm(
        _posted(request),
        steps=steps,
        initial={"status": item.status, "done": item.done, "notes": item.notes},
    )
    can_edit = request.membership.allows(Permission.PUBLISH)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            certification.update(
                item,
                status=form.cleaned_data["status"],
                done=form.cleaned_data["done"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
            messages.success(request, _("Certification enregistrée."))
            return redirect("strategy:certification", org=request.organisation.slug, pk=pk)
    return render(
        request,
        "strategy/certification.html",
        {
            "item": item,
            "steps": certification.checklist(item),
            "observed": certification.observed(item),
            "form": form,
            "can_edit": can_edit,
            "line": lines.current(request.organisation),
        },
    )


@org_view()
def certification_dossier(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Certification, pk=pk, organisation=request.organisation)
    name = f"dossier-certification-{item.network}-{request.organisation.slug}.pdf"
    return _download(certification.dossier_pdf(item), "application/pdf", name)


# --- BuzzForm ------------------------------------------------------------------------------------


@org_view()
def buzzform_page(request: OrgRequest, number: int | None = None) -> HttpResponse:
    """The latest questionnaire (or version ``number``), the draft in progress, the history."""
    versions = BuzzFormVersion.objects.filter(organisation=request.organisation)
    version, latest = _shown_and_latest(versions, number)
    return render(
        request,
        "strategy/buzzform.html",
        {
            "version": version,
            "answers": buzzform.labelled(version.answers) if version else None,
            "is_current": version is not None and version == latest,
            "versions": versions.select_related("author").order_by("-number"),
            "draft": buzzform.draft_of(request.organisation),
            "can_edit": request.membership.allows(Permission.PUBLISH),
        },
    )


@org_view(Permission.PUBLISH)
def buzzform_edit(request: OrgRequest) -> HttpResponse:
    """Fill the questionnaire: « Enregistrer le brouillon » keeps it as typed, « Valider »
    checks it and writes a version."""
    organisation = request.organisation
    draft = buzzform.draft_of(organisation)
    latest = buzzform.latest(organisation)
    saved = draft.answers if draft else latest.answers if latest else {}
    as_draft = request.POST.get("action") == "draft"
    form = BuzzForm(_posted(request), initial=BuzzForm.initial_from(saved), draft=as_draft)
    if request.method == "POST" and form.is_valid():
        if as_draft:
            buzzform.save_draft(organisation, form.answers(), actor=request.user)
            messages.success(request, _("Brouillon enregistré : vous pourrez le reprendre."))
        else:
            version = buzzform.submit(organisation, form.answers(), actor=request.user)
            messages.success(
                request,
                _("Questionnaire validé (version %(number)d).") % {"number": version.number},
            )
        return redirect("strategy:buzzform", org=organisation.slug)
    return render(request, "strategy/buzzform_form.html", {"form": form, "draft": draft})


@org_view()
def buzzform_pdf(request: OrgRequest, number: int) -> HttpResponse:
    version = get_object_or_404(BuzzFormVersion, organisation=request.organisation, number=number)
    name = f"buzzform-{request.organisation.slug}-v{version.number}.pdf"
    return _download(buzzform.pdf(version), "application/pdf", name)


@org_view(Permission.PUBLISH)
def buzzform_send(request: OrgRequest, number: int) -> HttpResponse:
    """Send version ``number`` to the communication service (POST), in the background."""
    version = get_object_or_404(BuzzFormVersion, organisation=request.organisation, number=number)
    address = request.organisation.communication_email
    if request.method == "POST":
        if not address:
            messages.error(
                request,
                _(
                    "Aucune adresse du service communication : indiquez-la dans le profil "
                    "de l'organisation (Paramètres), puis envoyez à nouveau."
                ),
            )
        else:
            enqueue_after_commit(send_buzzform, version.pk, address, request.user.pk)
            messages.success(
                request,
                _("Le questionnaire part vers %(address)s, avec son PDF.") % {"address": address},
            )
    return redirect("strategy:buzzform_version", org=request.organisation.slug, number=number)


# --- Objectives ----------------------------------------------------------------------------------


@org_view()
def objectives_page(request: OrgRequest) -> HttpResponse:
    rows = []
    for item in Objective.objects.filter(organisation=request.organisation):
        found = objectives.measure(item)
        rows.append((item, found, found.progress(item)))
    return render(
        request,
        "strategy/objectives.html",
        {"rows": rows, "can_edit": request.membership.allows(Permission.PUBLISH)},
    )


@org_view(Permission.PUBLISH)
def objective_edit(request: OrgRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(Objective, pk=pk, organisation=request.organisation) if pk else None
    initial = {} if item else {"start": timezone.localdate()}
    form = ObjectiveForm(_posted(request), instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        before = None if item is None else {"title": item.title, "target": item.target}
        saved = form.save(commit=False)
        saved.organisation = request.organisation
        saved.created_by = saved.created_by or request.user
        saved.save()
        record(
            organisation=request.organisation,
            actor=request.user,
            action="objective.saved",
            target=saved,
            before=before,
            after={"title": saved.title, "kpi": saved.kpi, "target": saved.target},
        )
        messages.success(request, _("Objectif enregistré."))
        return redirect("strategy:objectives", org=request.organisation.slug)
    title = _("Modifier l'objectif") if item else _("Ajouter un objectif")
    return render(request, "strategy/objective_form.html", {"form": form, "title": title})


@org_view(Permission.PUBLISH)
def objective_delete(request: OrgRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Objective, pk=pk, organisation=request.organisation)
    if request.method == "POST":
        record(
            organisation=request.organisation,
            actor=request.user,
            action="objective.deleted",
            target=item,
            before={"title": item.title, "kpi": item.kpi, "target": item.target},
        )
        item.delete()
        messages.success(request, _("Objectif supprimé."))
        return redirect("strategy:objectives", org=request.organisation.slug)
    return render(request, "strategy/objective_delete.html", {"item": item})
