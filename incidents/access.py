"""Who may see and change an incident. Every view's first line is one of these checks.

Any active signed-in user may open and work an incident; members of the "Observers" group may read
only. (Restricted incidents are a later feature; the check lives here so it changes in one place.)
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from incidents.models import Incident

OBSERVERS_GROUP = "Observers"


def can_read(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_write(user) -> bool:
    if not can_read(user):
        return False
    if user.is_superuser:
        return True
    return not user.groups.filter(name=OBSERVERS_GROUP).exists()


def get_incident_for_user(user, pk, *, write: bool = False, queryset=None) -> Incident:
    if not can_read(user):
        raise PermissionDenied("Sign in to see incidents.")
    incident = (queryset if queryset is not None else Incident.objects.all()).filter(pk=pk).first()
    if incident is None:
        raise Http404(f"There is no incident INC-{pk}.")
    if write and not can_write(user):
        raise PermissionDenied("Observers can read the room but not change it.")
    return incident
