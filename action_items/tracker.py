"""Reading action items for the tracker (/action-items/, its CSV export and the API list): filters and counts.

Everything here reads in a constant number of queries, however many items there are: filters become
one WHERE clause, counts one aggregate, the page one slice with its owner and incident joined.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from incidents.access import visible_incidents

from .models import OPEN_ITEM_STATES, ActionItem

STATUS_FILTERS: dict[str, list[str] | None] = {
    "open": OPEN_ITEM_STATES,
    "in_progress": [ActionItem.State.IN_PROGRESS],
    "done": [ActionItem.State.DONE],
    "wont_do": [ActionItem.State.WONT_DO],
    "closed": [ActionItem.State.DONE, ActionItem.State.WONT_DO],
    "all": None,
}
STATUS_LABELS = {
    "open": "Open or in progress",
    "in_progress": "In progress",
    "done": "Done",
    "wont_do": "Won't do",
    "closed": "Closed (done or won't do)",
    "all": "All",
}
SORTS = {"due": ["due_date", "pk"], "priority": ["priority", "due_date", "pk"], "newest": ["-created_at", "-pk"]}
_TRUE = {"1", "true", "yes", "on"}


@dataclass
class TrackerFilter:
    """The tracker's current filter, parsed from a query string (the page, the CSV export and the API share it)."""

    owner: str = ""  # a username, or "me"
    service: str = ""  # a service slug
    incident: int | None = None
    status: str = "open"
    type: str = ""
    overdue: bool = False
    sort: str = "due"
    group: str = ""  # "owner" groups rows by owner
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params, *, default_status: str = "open") -> "TrackerFilter":
        f = cls(status=default_status)
        f.owner = (params.get("owner") or "").strip()
        f.service = (params.get("service") or "").strip()
        incident = (params.get("incident") or "").strip().upper().removeprefix("INC-")
        if incident:
            if incident.isdigit():
                f.incident = int(incident)
            else:
                f.problems.append(f"“{params.get('incident')}” is not an incident number; use e.g. 12 or INC-12.")
        status = (params.get("status") or default_status).strip()
        if status in STATUS_FILTERS:
            f.status = status
        else:
            f.problems.append(f"Unknown status “{status}”; choose one of {', '.join(STATUS_FILTERS)}.")
        item_type = (params.get("type") or "").strip()
        if item_type in ActionItem.Type.values:
            f.type = item_type
        elif item_type:
            f.problems.append(f"Unknown type “{item_type}”; choose one of {', '.join(ActionItem.Type.values)}.")
        f.overdue = str(params.get("overdue") or "").strip().lower() in _TRUE
        f.sort = params.get("sort") if params.get("sort") in SORTS else "due"
        f.group = "owner" if params.get("group") == "owner" else ""
        return f

    def owner_username(self, user) -> str:
        return user.get_username() if self.owner == "me" else self.owner

    def query_string(self, **override) -> str:
        """This filter as a query string (for the CSV link, sort and group links), with some values replaced."""
        values = {
            "owner": self.owner,
            "service": self.service,
            "incident": self.incident or "",
            "status": self.status,
            "type": self.type,
            "overdue": "1" if self.overdue else "",
            "sort": "" if self.sort == "due" else self.sort,
            "group": self.group,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, False)})


def _scope(f: TrackerFilter, user) -> QuerySet:
    """Everything but status and overdue: the set the counts describe (only items of incidents the user sees)."""
    items = ActionItem.objects.filter(incident__in=visible_incidents(user).values("pk"))
    if f.owner:
        items = items.filter(owner__username=f.owner_username(user))
    if f.service:
        items = items.filter(incident__services__slug=f.service)
    if f.incident:
        items = items.filter(incident_id=f.incident)
    if f.type:
        items = items.filter(type=f.type)
    return items


def filtered_items(f: TrackerFilter, user, today: date | None = None) -> QuerySet:
    items = _scope(f, user)
    states = STATUS_FILTERS[f.status]
    if states is not None:
        items = items.filter(status__in=states)
    if f.overdue:
        items = items.overdue(today)
    order = SORTS[f.sort]
    if f.group == "owner":
        order = ["owner__username", *order]
    return items.select_related("owner", "incident").order_by(*order)


def tracker_counts(f: TrackerFilter, user, today: date | None = None) -> dict[str, int]:
    """Open, overdue and done-this-month within the filter's owner/service/incident/type, in one query."""
    today = today or timezone.localdate()
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    still_open = Q(status__in=OPEN_ITEM_STATES)
    return _scope(f, user).aggregate(
        open=Count("pk", filter=still_open),
        overdue=Count("pk", filter=still_open & Q(due_date__lt=today)),
        done_this_month=Count("pk", filter=Q(status=ActionItem.State.DONE, completed_at__gte=month_start)),
    )
