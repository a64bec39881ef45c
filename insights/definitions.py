"""What each insights figure measures, written once: the page, the CSV, the API docs and /metrics show these words."""

from dataclasses import dataclass

ACK_APPROXIMATION = (
    "Where no acknowledgement is stamped, the first timeline entry written by a person stands in for it "
    "(the declaration itself when a person declared)."
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    kind: str  # "duration" (p50/p90/mean seconds) or "ratio" (a share of a whole) or "count"


DURATIONS = [
    Figure(
        "time_to_acknowledge",
        "Time to acknowledge",
        "From declaration to the acknowledgement. " + ACK_APPROXIMATION,
        "duration",
    ),
    Figure(
        "time_to_mitigate",
        "Time to mitigate",
        "From the start of impact (which may precede the declaration) to the first move to Mitigated, "
        "Monitoring or Resolved. The headline figure: restore first.",
        "duration",
    ),
    Figure(
        "time_to_resolve",
        "Time to resolve",
        "From the start of impact to resolution; incidents still open are not counted.",
        "duration",
    ),
    Figure(
        "time_to_first_internal_update",
        "Time to first internal update",
        "From declaration to the first published internal status update.",
        "duration",
    ),
    Figure(
        "time_to_first_external_update",
        "Time to first external update",
        "From declaration to the first external (status page) update, when it was approved and published.",
        "duration",
    ),
]

RATIOS = [
    Figure(
        "update_promises_kept_ratio",
        "Update promises kept",
        "Of the published status updates that answered a promised time (“next update in …”), the share "
        "published by that time.",
        "ratio",
    ),
    Figure(
        "postmortems_on_time_ratio",
        "Postmortems on time",
        "Of the postmortems whose review deadline has passed or that are published, the share published "
        "by the deadline (SEV1 3 days, SEV2 5 business days, others 10).",
        "ratio",
    ),
    Figure(
        "action_items_done_on_time_ratio",
        "Action items done on time",
        "Of the action items whose due date has passed or that are done (won't-do items left out), the share "
        "done on or before their due date.",
        "ratio",
    ),
]

COUNTS = [
    Figure("incidents", "Incidents", "Incidents declared in the period, drills left out unless included.", "count"),
    Figure(
        "action_items_overdue",
        "Action items overdue now",
        "Open or in-progress action items of these incidents whose due date has passed, as of today (UTC).",
        "count",
    ),
    Figure(
        "recurrences",
        "Recurrences",
        "Incidents whose declaration found open action items from an earlier incident on one of their services "
        "(the “this may be a recurrence” entry of the record).",
        "count",
    ),
]

PERIOD_NOTE = (
    "An incident belongs to the period in which it was declared (UTC). Percentiles are interpolated between "
    "neighbouring values (as PostgreSQL's percentile_cont does); the mean is the arithmetic mean. Private incidents "
    "you may not see are never counted."
)

FIGURES = {f.key: f for f in [*COUNTS, *DURATIONS, *RATIOS]}
