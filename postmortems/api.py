"""Postmortem endpoints of the JSON API: read with findings, save under the version guard, review, publish."""

from django.http import Http404
from ninja import Router, Schema, Status

from incidents.access import get_incident_for_user

from . import actions, checker
from .models import Postmortem
from .views import people_involved

router = Router(tags=["postmortems"])


class Error(Schema):
    error: str


class FindingOut(Schema):
    rule: str
    excerpt: str
    message: str
    suggestion: str


class PostmortemOut(Schema):
    id: int
    status: str
    version: int
    markdown: str
    html: str
    findings: list[FindingOut]


class PostmortemIn(Schema):
    markdown: str
    version: int


class Stale(Schema):
    error: str
    version: int
    markdown: str


def _postmortem(request, incident_id: int, *, write: bool = False) -> Postmortem:
    incident = get_incident_for_user(request.user, incident_id, write=write)
    postmortem = Postmortem.objects.filter(incident=incident).select_related("incident", "updated_by").first()
    if postmortem is None:
        raise Http404(f"{incident.ref} has no postmortem yet: it is drafted when the incident resolves.")
    return postmortem


def _out(postmortem: Postmortem) -> dict:
    findings = checker.check(postmortem.markdown, people_involved(postmortem.incident))
    return {
        "id": postmortem.pk,
        "status": postmortem.status,
        "version": postmortem.version,
        "markdown": postmortem.markdown,
        "html": postmortem.html,
        "findings": [f.as_dict() for f in findings],
    }


@router.get(
    "/incidents/{incident_id}/postmortem", response={200: PostmortemOut, 404: Error}, summary="Read the postmortem"
)
def read_postmortem(request, incident_id: int):
    """The document with its blameless-language findings; 404 until the incident resolves and the draft is written."""
    return _out(_postmortem(request, incident_id))


@router.put(
    "/incidents/{incident_id}/postmortem",
    response={200: PostmortemOut, 400: Error, 403: Error, 404: Error, 409: Stale},
    summary="Save the postmortem text",
)
def save_postmortem(request, incident_id: int, payload: PostmortemIn):
    """Send the `version` you read; a stale version is refused (409) with the current version and text."""
    postmortem = _postmortem(request, incident_id, write=True)
    try:
        postmortem = actions.save_postmortem(
            postmortem, markdown=payload.markdown, version=payload.version, actor=request.user
        )
    except actions.ActionConflict as conflict:
        # A stale version or a published document: either way the 409 carries what is there now, as its schema says.
        current = getattr(conflict, "current", None) or Postmortem.objects.get(pk=postmortem.pk)
        return Status(409, {"error": conflict.message, "version": current.version, "markdown": current.markdown})
    return _out(postmortem)


@router.post(
    "/incidents/{incident_id}/postmortem/review",
    response={200: PostmortemOut, 403: Error, 404: Error, 409: Error},
    summary="Send the draft to review",
)
def review_postmortem(request, incident_id: int):
    return _out(actions.send_to_review(_postmortem(request, incident_id, write=True), actor=request.user))


@router.post(
    "/incidents/{incident_id}/postmortem/publish",
    response={200: PostmortemOut, 403: Error, 404: Error, 409: Error},
    summary="Publish the postmortem (read-only afterwards)",
)
def publish_postmortem(request, incident_id: int):
    return _out(actions.publish(_postmortem(request, incident_id, write=True), actor=request.user))
