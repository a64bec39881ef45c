"""Pages of the Learn stage: the postmortem editor (live preview, autosave, blameless checker), the
printable document and its exports, the revision history and the review-meeting invite.

Views are short: access check first, then an action, then the named partials of the page.
"""

import difflib
from datetime import UTC, datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from incidents.access import can_write, get_incident_for_user
from incidents.actions import AuditAction, audit
from warroom.errors import ActionError
from warroom.markdown import render_markdown

from . import actions, checker
from .drafting import expand_factors
from .models import Postmortem
from .review import invite_ics


def get_postmortem_for_user(request, pk, *, write: bool = False) -> Postmortem:
    """The incident's postmortem, after the access check (404 before the draft exists)."""
    incident = get_incident_for_user(request.user, pk, write=write)
    postmortem = Postmortem.objects.select_related("incident", "updated_by").filter(incident=incident).first()
    if postmortem is None:
        raise Http404(f"{incident.ref} has no postmortem yet: it is drafted when the incident resolves.")
    return postmortem


def people_involved(incident) -> tuple[str, ...]:
    """Names the checker treats as people: everyone who held a role or wrote in the room (two queries)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(incident_roles__incident=incident).distinct()
    writers = get_user_model().objects.filter(pk__in=incident.entries.filter(actor__isnull=False).values("actor"))
    names = set()
    for user in [*users, *writers]:
        names |= {user.get_username(), user.first_name, user.get_full_name()}
    return tuple(sorted(n for n in names if n))


def _checked(postmortem: Postmortem, markdown: str) -> dict:
    """Preview HTML with findings highlighted, and the findings counted by rule."""
    people = people_involved(postmortem.incident)
    factors = list(postmortem.factors.order_by("pk"))
    findings = checker.check(markdown, people)
    return {
        "preview_html": checker.highlight_html(render_markdown(expand_factors(markdown, factors)), people),
        "findings": findings,
        "finding_counts": checker.counts_by_rule(findings),
    }


def _page_context(request, postmortem: Postmortem) -> dict:
    return {
        "postmortem": postmortem,
        "incident": postmortem.incident,
        "can_write": can_write(request.user) and not postmortem.is_published,
    }


def _editor_context(request, postmortem: Postmortem, markdown: str | None = None) -> dict:
    markdown = postmortem.markdown if markdown is None else markdown
    incident = postmortem.incident
    return {
        "postmortem": postmortem,
        "incident": incident,
        "markdown": markdown,
        "version": postmortem.version,
        "factors": factor_rows(postmortem),
        "action_items": list(incident.action_items.select_related("owner").order_by("due_date", "pk")),
        "can_write": can_write(request.user) and not postmortem.is_published,
        **_checked(postmortem, markdown),
    }


def factor_rows(postmortem: Postmortem) -> list[tuple[int, object]]:
    """The tree flattened depth-first as (depth, factor): one query, rendered as an indented list."""
    factors = list(postmortem.factors.order_by("pk"))
    children: dict = {}
    for f in factors:
        children.setdefault(f.parent_id, []).append(f)
    rows: list = []

    def walk(parent_id, depth):
        for f in children.get(parent_id, []):
            rows.append((depth, f))
            walk(f.pk, depth + 1)

    walk(None, 0)
    return rows


@require_GET
def editor(request, pk):
    postmortem = get_postmortem_for_user(request, pk)
    if postmortem.is_published:
        return redirect("postmortems:document", pk)
    return render(request, "postmortems/editor.html", _editor_context(request, postmortem))


@require_POST
def save(request, pk):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    markdown = request.POST.get("markdown", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    context = {"postmortem": postmortem, "incident": postmortem.incident}
    status = 200
    try:
        postmortem = actions.save_postmortem(postmortem, markdown=markdown, version=version, actor=request.user)
        context.update(postmortem=postmortem, version=postmortem.version, saved=True)
    except actions.PostmortemConflict as conflict:
        current = conflict.current
        diff = _diff_lines(current.markdown, markdown, f"version {current.version} (saved)", "your text")
        context.update(
            postmortem=current, version=version, conflict=conflict.message, mine=markdown, current=current, diff=diff
        )
        status = 409
    except ActionError as error:
        context.update(version=version, error=error.message)
        status = 422 if error.status_code == 400 else error.status_code
    if not request.htmx:
        if status == 200:
            messages.success(request, f"Saved version {postmortem.version}.")
            return redirect("postmortems:editor", pk)
        full = _editor_context(request, context["postmortem"], markdown)
        full.update(context)
        return render(request, "postmortems/editor.html", full, status=status)
    return HttpResponse(render_to_string("postmortems/editor.html#save-answer", context, request), status=status)


@require_POST
def preview(request, pk):
    postmortem = get_postmortem_for_user(request, pk)
    context = _checked(postmortem, request.POST.get("markdown", ""))
    return render(request, "postmortems/editor.html#preview-answer", context)


@require_POST
def send_to_review(request, pk):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    return _after(
        request, pk, lambda: actions.send_to_review(postmortem, actor=request.user), "The postmortem is in review."
    )


@require_POST
def publish(request, pk):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    return _after(request, pk, lambda: actions.publish(postmortem, actor=request.user), "The postmortem is published.")


@require_POST
def schedule_review(request, pk):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    review_at = _parse_utc(request.POST.get("review_at", ""))
    plan = lambda: actions.schedule_review(postmortem, review_at=review_at, actor=request.user)  # noqa: E731
    return _after(request, pk, plan, "Review meeting planned.")


def _after(request, pk, action, success: str):
    """Plain form posts of the page: run the action, flash the outcome, back to the editor."""
    try:
        action()
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("postmortems:editor", pk)


def _parse_utc(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@require_GET
def review_invite(request, pk):
    postmortem = get_postmortem_for_user(request, pk)
    incident = postmortem.incident
    if postmortem.review_at is None:
        raise Http404("No review meeting is planned yet.")
    url = request.build_absolute_uri(reverse("postmortems:editor", args=[pk]))
    body = invite_ics(
        uid=f"postmortem-review-{postmortem.pk}@warroom",  # stable: a moved meeting updates the same calendar event
        start=postmortem.review_at,
        summary=f"Postmortem review: {incident.ref} {incident.title}",
        description=f"Blameless review of {incident.ref} ({incident.severity}). Read the draft first: {url}",
        url=url,
        now=timezone.now(),
    )
    audit(AuditAction.EXPORT, actor=request.user, incident=incident, request=request, export="postmortem review .ics")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{incident.ref}-postmortem-review.ics"'
    return response


@require_GET
def document(request, pk):
    """The read-only, printable document (the published view)."""
    postmortem = get_postmortem_for_user(request, pk)
    return render(request, "postmortems/document.html", _page_context(request, postmortem))


@require_GET
def export(request, pk, fmt):
    if fmt not in ("md", "html"):
        raise Http404("Export as .md or .html.")
    postmortem = get_postmortem_for_user(request, pk)
    incident = postmortem.incident
    if fmt == "md":
        body = expand_factors(postmortem.markdown, list(postmortem.factors.order_by("pk")))
        response = HttpResponse(body, content_type="text/markdown; charset=utf-8")
    else:
        body = render_to_string(
            "postmortems/document.html#standalone", {"postmortem": postmortem, "incident": incident}
        )
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    audit(AuditAction.EXPORT, actor=request.user, incident=incident, request=request, export=f"postmortem .{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{incident.ref}-postmortem.{fmt}"'
    return response


@require_GET
def history(request, pk):
    postmortem = get_postmortem_for_user(request, pk)
    revisions = postmortem.revisions.select_related("author").only("version", "created_at", "author", "postmortem_id")
    return render(request, "postmortems/history.html", {**_page_context(request, postmortem), "revisions": revisions})


@require_GET
def revision_diff(request, pk, version):
    postmortem = get_postmortem_for_user(request, pk)
    revisions = {
        r.version: r
        for r in postmortem.revisions.select_related("author").filter(version__lte=version).order_by("-version")[:2]
    }
    if version not in revisions:
        raise Http404(f"There is no version {version}.")
    before = revisions.get(version - 1)
    diff = _diff_lines(
        before.markdown if before else "", revisions[version].markdown, f"version {version - 1}", f"version {version}"
    )
    context = {**_page_context(request, postmortem), "revision": revisions[version], "diff": diff}
    return render(request, "postmortems/revision.html", context)


def _diff_lines(old: str, new: str, old_name: str, new_name: str) -> list[tuple[str, str]]:
    """Unified diff as (css class, line) for the template: additions, deletions, context."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2)
    css = {"+": "add", "-": "del", "@": "hunk"}
    return [(css.get(line[:1], "ctx") if not line.startswith(("+++", "---")) else "file", line) for line in lines]
