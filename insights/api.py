"""`GET /api/v1/insights`: the page's headline figures as JSON, for the same question the page asks."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from .compute import api_answer, compute
from .filters import InsightsFilterForm, errors_as_text

router = Router(tags=["insights"])


class DurationStats(Schema):
    p50_seconds: float | None
    p90_seconds: float | None
    mean_seconds: float | None
    count: int


class InsightsOut(Schema):
    start: datetime = Field(description="first instant counted (UTC, inclusive)")
    end: datetime = Field(description="end of the period (UTC, exclusive)")
    incidents: int
    time_to_acknowledge: DurationStats
    time_to_mitigate: DurationStats
    time_to_resolve: DurationStats
    time_to_first_internal_update: DurationStats
    time_to_first_external_update: DurationStats
    update_promises_kept_ratio: float | None
    postmortems_on_time_ratio: float | None
    action_items_done_on_time_ratio: float | None
    action_items_overdue: int
    recurrences: int
    acknowledgements_stamped: int = Field(
        description="incidents whose acknowledged_at is stamped; the others use the first entry by a person"
    )


class Error(Schema):
    error: str


@router.get("/insights", response={200: InsightsOut, 400: Error}, summary="Insights for a period")
def insights(
    request,
    days: str = "",
    start: str = "",
    end: str = "",
    severity: str = "",
    service: str = "",
    team: str = "",
    include_drills: str = "",
):
    """Counts, durations (p50, p90, mean) and ratios of the incidents declared in the period that you may see.

    `days` (default 30) or `start`/`end` (dates, UTC, inclusive); `severity` SEV1..SEV5; `service` and `team` slugs;
    `include_drills=true` counts drills and test incidents too.
    """
    form = InsightsFilterForm(
        {
            "days": days,
            "start": start,
            "end": end,
            "severity": severity,
            "service": service,
            "team": team,
            "include_drills": include_drills,
        }
    )
    if not form.is_valid():
        raise HttpError(400, f"Invalid request: {errors_as_text(form)}")
    return api_answer(compute(request.user, form.filters()))
