"""The only way a postmortem changes: drafting, saving under a version guard, review and publishing,
the contributing-factor tree and the review meeting.

Same spine as incidents/actions/: validate, write in one short transaction with the row locked,
and tell the room through a timeline entry (`record`), which broadcasts after commit.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from incidents.actions import display_name, record
from incidents.models import EntryKind, Incident, Status
from warroom.errors import ActionConflict, ActionError
from warroom.markdown import render_markdown

from .drafting import build_draft, expand_factors
from .models import ContributingFactor, Postmortem, Revision
from .review import propose_review_slot, review_deadline

REMINDER_LEAD = 24  # hours before the review meeting when a draft still not in review is reminded


class PostmortemConflict(ActionConflict):
    """A save based on an older version: carries the current text so the editor can show both."""

    def __init__(self, postmortem: Postmortem, sent_version: int):
        saved = "version 1 is the first draft"
        if postmortem.updated_by:
            saved = f"{display_name(postmortem.updated_by)} saved version {postmortem.version}"
        super().__init__(
            f"Your save was based on version {sent_version}, but {saved}. "
            "Your text is kept beside the current one: merge them, then save again.",
            "version",
        )
        self.current = postmortem


def _lock_postmortem(postmortem: Postmortem) -> Postmortem:
    return (
        Postmortem.objects.select_for_update(of=("self",))
        .select_related("incident", "updated_by")
        .get(pk=postmortem.pk)
    )


def _editor_link(incident: Incident) -> str:
    return reverse("postmortems:editor", args=[incident.pk])


def render_document(postmortem: Postmortem) -> str:
    """Sanitized HTML of the document, with the factor tree in place."""
    factors = list(postmortem.factors.order_by("pk"))
    return render_markdown(expand_factors(postmortem.markdown, factors))


def draft_postmortem(incident_id: int) -> tuple[Postmortem | None, bool]:
    """Write the first draft of a resolved incident's postmortem; safe to run any number of times."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None or incident.status != Status.RESOLVED:
            return None, False
        existing = Postmortem.objects.filter(incident=incident).first()
        if existing:
            return existing, False
        markdown = build_draft(incident)
        deadline = review_deadline(incident.severity, incident.resolved_at)
        try:
            # The one-to-one column is the real guard: a second worker that got past the check loses here.
            with transaction.atomic():
                postmortem = Postmortem.objects.create(
                    incident=incident,
                    markdown=markdown,
                    html=render_markdown(expand_factors(markdown, [])),
                    review_due_at=deadline,
                    review_at=propose_review_slot(incident.resolved_at, deadline),
                )
        except IntegrityError:
            return Postmortem.objects.get(incident=incident), False
        Revision.objects.create(postmortem=postmortem, version=postmortem.version, markdown=markdown)
        record(
            incident,
            kind=EntryKind.POSTMORTEM,
            body=(
                f"The postmortem draft is ready: [open the draft]({_editor_link(incident)}). "
                f"Review meeting proposed for {postmortem.review_at:%Y-%m-%d %H:%M} UTC "
                f"(due by {deadline:%Y-%m-%d %H:%M} UTC)."
            ),
            metadata={"postmortem": postmortem.pk},
        )
    return postmortem, True


def save_postmortem(postmortem: Postmortem, *, markdown: str, version: int, actor) -> Postmortem:
    """Save the text if it was based on the current version; otherwise refuse with both texts."""
    limit = settings.WARROOM.get("POSTMORTEM_MAX_LENGTH", 200_000)
    if markdown is None or not markdown.strip():
        raise ActionError("The postmortem cannot be empty.", "markdown")
    if len(markdown) > limit:
        raise ActionError(f"The postmortem is {len(markdown)} characters long; the limit is {limit}.", "markdown")
    with transaction.atomic():
        postmortem = _lock_postmortem(postmortem)
        if postmortem.is_published:
            raise ActionConflict("The postmortem is published and read-only.", "status")
        if version != postmortem.version:
            raise PostmortemConflict(postmortem, version)
        if markdown == postmortem.markdown:
            return postmortem
        postmortem.markdown = markdown
        postmortem.version += 1
        postmortem.updated_by = actor
        postmortem.html = render_document(postmortem)
        postmortem.save(update_fields=["markdown", "version", "updated_by", "html", "updated_at"])
        Revision.objects.create(postmortem=postmortem, version=postmortem.version, markdown=markdown, author=actor)
    return postmortem


def _move(
    postmortem: Postmortem, *, to: str, allowed_from: tuple[str, ...], actor, sentence: str, refusal: str
) -> Postmortem:
    with transaction.atomic():
        postmortem = _lock_postmortem(postmortem)
        if postmortem.status not in allowed_from:
            raise ActionConflict(refusal.format(state=postmortem.get_status_display()), "status")
        postmortem.status = to
        fields = ["status", "updated_at"]
        if to == Postmortem.State.PUBLISHED:
            postmortem.published_at = timezone.now()
            fields.append("published_at")
        postmortem.save(update_fields=fields)
        link = _editor_link(postmortem.incident)
        record(
            postmortem.incident,
            kind=EntryKind.POSTMORTEM,
            body=f"{display_name(actor)} {sentence} ([postmortem]({link})).",
            actor=actor,
            metadata={"postmortem": postmortem.pk, "status": to},
        )
    return postmortem


def send_to_review(postmortem: Postmortem, *, actor) -> Postmortem:
    """Draft → In review: the text is ready for the meeting (and can still be edited)."""
    return _move(
        postmortem,
        to=Postmortem.State.IN_REVIEW,
        allowed_from=(Postmortem.State.DRAFT,),
        actor=actor,
        sentence="sent the postmortem to review",
        refusal="Only a draft can be sent to review; this postmortem is {state}.",
    )


def publish(postmortem: Postmortem, *, actor) -> Postmortem:
    """In review → Published: the document becomes read-only."""
    return _move(
        postmortem,
        to=Postmortem.State.PUBLISHED,
        allowed_from=(Postmortem.State.IN_REVIEW,),
        actor=actor,
        sentence="published the postmortem",
        refusal="Only a postmortem in review can be published; this one is {state}. Send it to review first.",
    )


def schedule_review(postmortem: Postmortem, *, review_at: datetime, actor) -> Postmortem:
    """Plan the review meeting; a new slot gets its own reminder."""
    if review_at is None:
        raise ActionError("Choose a date and time for the review meeting.", "review_at")
    if review_at < timezone.now():
        raise ActionError("The review meeting cannot be in the past.", "review_at")
    with transaction.atomic():
        postmortem = _lock_postmortem(postmortem)
        if postmortem.is_published:
            raise ActionConflict("The postmortem is already published.", "status")
        postmortem.review_at = review_at
        postmortem.review_reminded_at = None
        postmortem.save(update_fields=["review_at", "review_reminded_at", "updated_at"])
        late = postmortem.review_due_at and review_at > postmortem.review_due_at
        body = f"{display_name(actor)} planned the postmortem review meeting for {review_at:%Y-%m-%d %H:%M} UTC"
        body += f", after the deadline of {postmortem.review_due_at:%Y-%m-%d %H:%M} UTC." if late else "."
        record(
            postmortem.incident,
            kind=EntryKind.POSTMORTEM,
            body=body,
            actor=actor,
            metadata={"postmortem": postmortem.pk},
        )
    return postmortem


def remind_review(postmortem_id: int, *, now: datetime) -> bool:
    """Remind once per slot when the meeting is near and the draft is not in review. True if reminded."""
    with transaction.atomic():
        # The conditional UPDATE is the claim: a second sweeper (or a re-run) matches no row.
        claimed = Postmortem.objects.filter(
            pk=postmortem_id, status=Postmortem.State.DRAFT, review_reminded_at__isnull=True, review_at__isnull=False
        ).update(review_reminded_at=now)
        if not claimed:
            return False
        postmortem = Postmortem.objects.select_related("incident").get(pk=postmortem_id)
        record(
            postmortem.incident,
            kind=EntryKind.REMINDER,
            body=(
                f"The postmortem review meeting is at {postmortem.review_at:%Y-%m-%d %H:%M} UTC and the draft is not in review yet: "
                f"[finish the draft]({_editor_link(postmortem.incident)}) and send it to review."
            ),
            metadata={"postmortem": postmortem.pk, "reminder": "review"},
        )
    return True


# --- contributing factors ---------------------------------------------------------------------------


def _clean_factor(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ActionError("A factor needs a sentence.", "text")
    if len(text) > 500:
        raise ActionError(f"A factor is {len(text)} characters long; the limit is 500.", "text")
    return text


def _refresh_html(postmortem: Postmortem) -> None:
    # The tree lives beside the text; the stored HTML (document, export) is rendered again, the version is not bumped.
    postmortem.html = render_document(postmortem)
    postmortem.save(update_fields=["html", "updated_at"])


def add_factor(
    postmortem: Postmortem, *, text: str, actor, parent_id: int | None = None, is_trigger: bool = False
) -> ContributingFactor:
    """Add a factor (under a parent, or at the top); marking it the trigger unmarks the previous one."""
    text = _clean_factor(text)
    with transaction.atomic():
        postmortem = _lock_postmortem(postmortem)
        if postmortem.is_published:
            raise ActionConflict("The postmortem is published and read-only.", "status")
        parent = None
        if parent_id:
            parent = postmortem.factors.filter(pk=parent_id).first()
            if parent is None:
                raise ActionError("That parent factor is not part of this postmortem.", "parent")
        if is_trigger:
            postmortem.factors.filter(is_trigger=True).update(is_trigger=False)
        factor = ContributingFactor.objects.create(
            postmortem=postmortem, parent=parent, text=text, is_trigger=is_trigger, created_by=actor
        )
        _refresh_html(postmortem)
    return factor


def remove_factor(postmortem: Postmortem, *, factor_id: int, actor) -> None:
    """Remove a factor and its sub-factors."""
    with transaction.atomic():
        postmortem = _lock_postmortem(postmortem)
        if postmortem.is_published:
            raise ActionConflict("The postmortem is published and read-only.", "status")
        deleted, _ = postmortem.factors.filter(pk=factor_id).delete()
        if not deleted:
            raise ActionError("That factor is not part of this postmortem.", "factor")
        _refresh_html(postmortem)


def add_five_whys(postmortem: Postmortem, *, problem: str, answers: list[str], actor) -> list[ContributingFactor]:
    """The 5-whys helper: the problem and each answer become a chain, each answer a sub-factor of the one before."""
    problem = _clean_factor(problem)
    answers = [" ".join(a.split()) for a in answers if a and a.strip()]
    if not answers:
        raise ActionError("Answer at least the first “why?”.", "answers")
    answers = [_clean_factor(a) for a in answers[:5]]
    with transaction.atomic():
        postmortem = _lock_postmortem(postmortem)
        if postmortem.is_published:
            raise ActionConflict("The postmortem is published and read-only.", "status")
        chain, parent = [], None
        for text in [problem, *answers]:
            parent = ContributingFactor.objects.create(
                postmortem=postmortem, parent=parent, text=text, created_by=actor
            )
            chain.append(parent)
        _refresh_html(postmortem)
    return chain
