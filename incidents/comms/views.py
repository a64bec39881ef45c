"""Pages and room controls for communication: the update composer, approvals, the cadence override and
the printable executive summary. The public status page is its own app (statuspage/)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from incidents.access import get_incident_for_user
from incidents.actions import AuditAction, audit
from incidents.models import EntryKind, Incident, StatusUpdate
from incidents.room.answers import form_answer, newest_entry_id, run_control
from warroom.errors import ActionError

from . import actions as comms
from .forms import CadenceForm, UpdateForm
from .panels import comms_context, composer_context


@require_POST
def post_update(request, pk):
    incident = get_incident_for_user(request.user, pk, write=True)
    before = newest_entry_id(incident)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            comms.post_update(incident, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    ok = not form.errors  # validated above; an action's refusal was added as an error
    incident = Incident.objects.with_roles().prefetch_related("services").get(pk=incident.pk)
    context = {**composer_context(incident, form=None if ok else form), "form": form}
    return form_answer(
        request,
        incident,
        after=before,
        ok=ok,
        template="incidents/_comms.html#composer",
        context=context,
        skip="composer",
    )


@require_POST
def approve_update(request, pk, update_id):
    def perform(incident, data):
        comms.approve_update(get_object_or_404(StatusUpdate, pk=update_id, incident=incident), actor=request.user)

    return run_control(request, pk, perform, panel="cadence", control=f"draft-{update_id}")


@require_POST
def set_cadence(request, pk):
    def perform(incident, data):
        comms.set_update_cadence(incident, minutes=data["update_cadence_minutes"], actor=request.user)

    return run_control(request, pk, perform, form_class=CadenceForm, panel="cadence", control="cadence")


@require_GET
def executive_summary(request, pk):
    """One printable page for people who will not read the timeline."""
    incident = get_incident_for_user(
        request.user, pk, queryset=Incident.objects.with_roles().prefetch_related("services")
    )
    context = comms_context(incident)
    context["decisions"] = list(
        incident.entries.filter(kind=EntryKind.DECISION).select_related("actor").order_by("pk")[:50]
    )
    context["now"] = timezone.now()
    audit(AuditAction.EXPORT, actor=request.user, incident=incident, request=request, export="executive summary")
    return render(request, "incidents/summary.html", context)
