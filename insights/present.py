"""The figures in the page's words: durations as "12m" or "1h 05m", ratios as "83 % (5 of 6)", links to what is behind."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.urls import reverse

from warroom import durations

from .charts import bar_chart
from .compute import DURATION_KEYS, Insights
from .definitions import COUNTS, DURATIONS, FIGURES, RATIOS

# The ratio figures' keys in a summary, by their API name.
RATIO_PARTS = {
    "update_promises_kept_ratio": "update_promises_kept",
    "postmortems_on_time_ratio": "postmortems_on_time",
    "action_items_done_on_time_ratio": "action_items_done_on_time",
}
NONE_ROW = "(none)"


def human_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) < 60:
        return f"{round(value)}s"
    return durations.clock(timedelta(seconds=value))


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def figure_text(summary: dict, key: str) -> str:
    """The one number a cell shows for a figure: p50 of a duration, a share, or a count."""
    if key in DURATION_KEYS:
        return human_seconds(summary[key]["p50_seconds"])
    if key in RATIO_PARTS:
        return percent(summary[RATIO_PARTS[key]]["ratio"])
    return str(summary[key])


def figure_value(summary: dict, key: str) -> float | None:
    if key in DURATION_KEYS:
        return summary[key]["p50_seconds"]
    if key in RATIO_PARTS:
        return summary[RATIO_PARTS[key]]["ratio"]
    return summary[key]


def behind_url(insights: Insights, figure: str, week: date | None = None, row: str | None = None) -> str:
    query = insights.filters.query(figure=figure, week=week.isoformat() if week else None, row=row)
    return reverse("insights:behind") + "?" + urlencode(query)


def headline(insights: Insights) -> list[dict]:
    summary, cards = insights.summary, []
    for figure in [*COUNTS, *DURATIONS, *RATIOS]:
        card = {"figure": figure, "value": figure_text(summary, figure.key), "href": behind_url(insights, figure.key)}
        if figure.key in DURATION_KEYS:
            stats = summary[figure.key]
            card["detail"] = (
                f"p90 {human_seconds(stats['p90_seconds'])} · mean {human_seconds(stats['mean_seconds'])} · "
                f"{stats['count']} incident{'s' if stats['count'] != 1 else ''}"
            )
            card["label_suffix"] = "p50"
        elif figure.key in RATIO_PARTS:
            part = summary[RATIO_PARTS[figure.key]]
            card["detail"] = f"{part['part']} of {part['whole']}"
        cards.append(card)
    return cards


def trend_charts(insights: Insights) -> list:
    charts = []
    for key in ["incidents", *DURATION_KEYS, *RATIO_PARTS]:
        figure = FIGURES[key]
        points = [
            (
                f"week of {monday.isoformat()}",
                figure_value(summary, key),
                figure_text(summary, key),
                behind_url(insights, key, week=monday),
            )
            for monday, summary in insights.weeks
        ]
        if key in DURATION_KEYS:
            title, peak = f"{figure.label} (p50)", human_seconds
        elif key in RATIO_PARTS:
            title, peak = figure.label, percent
        else:
            title, peak = figure.label, str
        charts.append(bar_chart(key, title, points, peak))
    return charts


WEEK_COLUMNS = ["incidents", *DURATION_KEYS, *RATIO_PARTS]


def week_rows(insights: Insights) -> list[dict]:
    return [
        {
            "week": monday,
            "cells": [(figure_text(summary, key), behind_url(insights, key, week=monday)) for key in WEEK_COLUMNS],
        }
        for monday, summary in insights.weeks
    ]


SERVICE_COLUMNS = [
    "incidents",
    "time_to_acknowledge",
    "time_to_mitigate",
    "time_to_resolve",
    "update_promises_kept_ratio",
    "postmortems_on_time_ratio",
    "action_items_done_on_time_ratio",
    "action_items_overdue",
    "recurrences",
]


def service_rows(insights: Insights) -> list[dict]:
    rows = []
    for (slug, name), summary in insights.by_service:
        row = slug or NONE_ROW
        rows.append(
            {
                "name": name,
                "cells": [(figure_text(summary, key), behind_url(insights, key, row=row)) for key in SERVICE_COLUMNS],
            }
        )
    return rows


def column_labels(keys: list[str]) -> list[str]:
    return [FIGURES[key].label + (" (p50)" if key in DURATION_KEYS else "") for key in keys]
