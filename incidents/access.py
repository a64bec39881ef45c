"""Who may see and change an incident: the one access check every surface uses.

Any active signed-in user may read an *internal* incident; members of the "Observers" group may read only.
A *private* incident is visible only to its current role holders, the person who declared it, people invited
into it, the owning team's leads and admins. To everyone else it does not exist: they get 404, never 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from incidents.models import Incident, IncidentMember, RoleAssignment, TokenScope, Visibility

OBSERVERS_GROUP = "Observers"


def can_read(user) -> bool:
    """Whether the user may read incidents at all (signed in and active)."""
    return bool(user and user.is_authenticated and user.is_active)


def can_write(user) -> bool:
    """Whether the user may change incidents they can see (everyone active but Observers)."""
    if not can_read(user):
        return False
    if user.is_superuser:
        return True
    return not is_observer(user)


def is_observer(user) -> bool:
    cached = getattr(user, "_warroom_observer", None)
    if cached is None:
        cached = user.groups.filter(name=OBSERVERS_GROUP).exists()
        user._warroom_observer = cached
    return cached


def private_access(user) -> Q:
    """The private incidents this user belongs to, as a filter on Incident (subqueries: no duplicated rows)."""
    holders = RoleAssignment.objects.filter(user=user, relieved_at__isnull=True).values("incident_id")
    invited = IncidentMember.objects.filter(user=user).values("incident_id")
    return (
        Q(pk__in=holders)
        | Q(pk__in=invited)
        | Q(declared_by=user)
        | Q(team__isnull=False, team__in=user.led_teams.values("pk"))
    )


def visible_incidents(user, queryset: QuerySet | None = None) -> QuerySet:
    """The incidents this user may see: every list, count, search and export starts here."""
    queryset = queryset if queryset is not None else Incident.objects.all()
    if not can_read(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(visibility=Visibility.INTERNAL) | private_access(user))


def can_see(user, incident: Incident) -> bool:
    """Whether this user may see this incident (one query for a private incident, none for an internal one)."""
    if not can_read(user):
        return False
    if incident.visibility == Visibility.INTERNAL or user.is_superuser:
        return True
    return Incident.objects.filter(pk=incident.pk).filter(private_access(user)).exists()


def require_admin(request, doing: str = "use this endpoint") -> None:
    """Admin endpoints of the API: an admin, and (through a token) one with the `admin` scope; else 403."""
    user = request.user
    if not (user and user.is_authenticated and user.is_active and user.is_superuser):
        raise PermissionDenied(f"Only admins may {doing}.")
    token = getattr(request, "api_token", None)
    if token is not None and not token.allows(TokenScope.ADMIN):
        raise PermissionDenied("This needs a token with the `admin` scope: issue one with --scope admin.")


def get_incident_for_user(user, pk, *, write: bool = False, queryset=None) -> Incident:
    """The incident, or 404 when it does not exist or this user may not see it; 403 for an Observer's write."""
    if not can_read(user):
        raise PermissionDenied("Sign in to see incidents.")
    incident = (queryset if queryset is not None else Incident.objects.all()).filter(pk=pk).first()
    if incident is None or not can_see(user, incident):
        raise Http404(f"There is no incident INC-{pk}.")
    if write and not can_write(user):
        raise PermissionDenied("Observers can read the room but not change it.")
    return incident
