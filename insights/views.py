"""The Insights page, the incidents behind each of its numbers, and its CSV export."""

import csv
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents import actions
from incidents.models import Service, Team

from . import present
from .compute import DURATION_KEYS, behind, compute
from .definitions import FIGURES, PERIOD_NOTE
from .filters import PERIODS, InsightsFilterForm, errors_as_text


def filter_context(form: InsightsFilterForm) -> dict:
    return {
        "form": form,
        "periods": PERIODS,
        "services": Service.objects.order_by("name").only("slug", "name"),
        "teams": Team.objects.order_by("name").only("slug", "name"),
        "custom": bool(form.data.get("start") or form.data.get("end")),
    }


@require_GET
def insights_page(request):
    form = InsightsFilterForm(request.GET)
    context = filter_context(form)
    if not form.is_valid():
        return render(request, "insights/page.html", context, status=400)
    insights = compute(request.user, form.filters())
    context.update(
        insights=insights,
        cards=present.headline(insights),
        charts=present.trend_charts(insights),
        week_columns=present.column_labels(present.WEEK_COLUMNS),
        week_rows=present.week_rows(insights),
        service_columns=present.column_labels(present.SERVICE_COLUMNS),
        service_rows=present.service_rows(insights),
        period_note=PERIOD_NOTE,
        csv_query=request.GET.urlencode(),
    )
    return render(request, "insights/page.html", context)


def parse_week(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@require_GET
def incidents_behind(request):
    """The incidents one number of the page counts, with each one's own value."""
    form = InsightsFilterForm(request.GET)
    figure = FIGURES.get(request.GET.get("figure", "incidents"))
    week = parse_week(request.GET.get("week", ""))
    problems = []
    if figure is None:
        problems.append("Unknown figure: pick a number on the Insights page.")
    if request.GET.get("week") and week is None:
        problems.append("The week is not a date (YYYY-MM-DD).")
    if problems or not form.is_valid():
        context = filter_context(form) | {"problems": problems}
        return render(request, "insights/behind.html", context, status=400)
    insights = compute(request.user, form.filters())
    row = request.GET.get("row")
    service = "" if row == present.NONE_ROW else row
    rows = []
    for fact, value in behind(insights, figure.key, week=week, service=service):
        if figure.key in DURATION_KEYS:
            shown = present.human_seconds(value)
        elif isinstance(value, tuple):
            shown = f"{value[0]} of {value[1]}"
        elif value is True:
            shown = "counted"
        else:
            shown = str(value)
        rows.append({"fact": fact, "value": shown})
    context = {
        "figure": figure,
        "week": week,
        "row": row,
        "rows": rows,
        "insights": insights,
        "back": "?".join(["/insights/", request.GET.urlencode()]),
    }
    return render(request, "insights/behind.html", context)


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = round(value, 1)
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


@require_GET
def export_csv(request):
    """The by-service table of the page (and an "All" row), every duration in seconds."""
    form = InsightsFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            f"Invalid request: {errors_as_text(form)}", status=400, content_type="text/plain; charset=utf-8"
        )
    filters = form.filters()
    insights = compute(request.user, filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="insights-{filters.start.date()}-{(filters.end.date())}.csv"'
    )
    writer = csv.writer(response)
    header = ["service", "incidents"]
    for key in DURATION_KEYS:
        header += [f"{key}_p50_seconds", f"{key}_p90_seconds", f"{key}_mean_seconds", f"{key}_count"]
    for key in present.RATIO_PARTS:
        header += [key, key.removesuffix("_ratio") + "_part", key.removesuffix("_ratio") + "_whole"]
    header += ["action_items_overdue", "recurrences"]
    writer.writerow(header)
    rows = [("all", insights.summary)] + [(slug or present.NONE_ROW, s) for (slug, _), s in insights.by_service]
    for name, summary in rows:
        line = [name, summary["incidents"]]
        for key in DURATION_KEYS:
            stats = summary[key]
            line += [stats["p50_seconds"], stats["p90_seconds"], stats["mean_seconds"], stats["count"]]
        for part in present.RATIO_PARTS.values():
            line += [summary[part]["ratio"], summary[part]["part"], summary[part]["whole"]]
        line += [summary["action_items_overdue"], summary["recurrences"]]
        writer.writerow([csv_value(v) for v in line])
    actions.audit(
        actions.AuditAction.EXPORT, actor=request.user, request=request, what="insights.csv", query=request.GET.dict()
    )
    return response
