"""The contributing-factor tree beside the editor: add, remove, and the 5-whys helper.

htmx gets the factors panel back (and a `factors-changed` event so the preview redraws the tree);
plain form posts are redirected to the editor.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from warroom.errors import ActionError

from . import actions
from .views import factor_rows, get_postmortem_for_user


def _answer(request, postmortem, error: str | None = None):
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("postmortems:editor", postmortem.incident_id)
    context = {
        "postmortem": postmortem,
        "incident": postmortem.incident,
        "factors": factor_rows(postmortem),
        "factor_error": error,
        "can_write": True,
    }
    response = render(request, "postmortems/editor.html#factors", context, status=422 if error else 200)
    if not error:
        response["HX-Trigger"] = "factors-changed"
    return response


def _parent_id(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_POST
def add_factor(request, pk):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    try:
        actions.add_factor(
            postmortem,
            text=request.POST.get("text", ""),
            parent_id=_parent_id(request.POST.get("parent", "")),
            is_trigger=request.POST.get("is_trigger") == "on",
            actor=request.user,
        )
    except ActionError as error:
        return _answer(request, postmortem, error.message)
    return _answer(request, postmortem)


@require_POST
def remove_factor(request, pk, factor_id):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    try:
        actions.remove_factor(postmortem, factor_id=factor_id, actor=request.user)
    except ActionError as error:
        return _answer(request, postmortem, error.message)
    return _answer(request, postmortem)


@require_POST
def five_whys(request, pk):
    postmortem = get_postmortem_for_user(request, pk, write=True)
    try:
        actions.add_five_whys(
            postmortem, problem=request.POST.get("problem", ""), answers=request.POST.getlist("why"), actor=request.user
        )
    except ActionError as error:
        return _answer(request, postmortem, error.message)
    return _answer(request, postmortem)
