"""`GET /metrics` in the Prometheus text format, behind a bearer token or an address allow-list.

The product's figures are read from the database at scrape time by one collector, so every web process answers
the same numbers however many web and worker processes run. Drills are left out of every incident metric.
Request metrics are counted per process in prometheus-client; with several web processes set
PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode) and every process's counts are summed.
"""

import hmac
import ipaddress
import os
import time
from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client import Counter as RequestCounter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from incidents.live.presence import STALE_AFTER
from incidents.models import Incident, RoomPresence, Severity
from integrations.models import Delivery

from .compute import clocked

# Upper bounds of the duration histograms: 1, 5, 15, 30 minutes; 1, 2, 4, 12 hours; 1 and 3 days.
DURATION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200]
HISTOGRAMS = [
    ("warroom_time_to_acknowledge_seconds", "acknowledged", "declared_at", "Declaration to acknowledgement"),
    ("warroom_time_to_mitigate_seconds", "mitigated_at", "started_at", "Start of impact to mitigation"),
    ("warroom_time_to_resolve_seconds", "resolved_at", "started_at", "Start of impact to resolution"),
]


def cumulative(values: list[float]) -> list[tuple[str, float]]:
    values = sorted(values)
    buckets, index = [], 0
    for bound in DURATION_BUCKETS:
        while index < len(values) and values[index] <= bound:
            index += 1
        buckets.append((str(float(bound)), index))
    buckets.append(("+Inf", len(values)))
    return buckets


class RecordCollector:
    """The product's gauges, counters and histograms, read from the record at each scrape (six queries)."""

    def collect(self):
        incidents = Incident.objects.filter(is_drill=False)
        open_now = GaugeMetricFamily(
            "warroom_incidents", "Open incidents (drills left out)", labels=["severity", "status"]
        )
        for row in incidents.open().values("severity", "status").annotate(n=Count("pk")).order_by():
            open_now.add_metric([row["severity"], row["status"]], row["n"])
        yield open_now

        declared = CounterMetricFamily(
            "warroom_incidents_declared",
            "Incidents declared, by severity and source (alert: declared by a webhook; person: the room or the API)",
            labels=["severity", "source"],
        )
        rows = incidents.values("severity").annotate(
            alert=Count("pk", filter=Q(declared_by__isnull=True)),
            person=Count("pk", filter=Q(declared_by__isnull=False)),
        )
        counts = Counter()
        for row in rows.order_by():
            counts[(row["severity"], "alert")], counts[(row["severity"], "person")] = row["alert"], row["person"]
        for severity in Severity.values:
            for source in ("alert", "person"):
                declared.add_metric([severity, source], counts[(severity, source)])
        yield declared

        yield from self.durations(incidents)

        overdue = incidents.open().filter(next_update_due_at__lt=timezone.now()).count()
        yield GaugeMetricFamily(
            "warroom_status_updates_overdue", "Open incidents whose promised status update is late", value=overdue
        )

        deliveries = CounterMetricFamily(
            "warroom_webhook_deliveries",
            "Webhook deliveries kept on record (30 days), by endpoint kind and outcome",
            labels=["kind", "outcome"],
        )
        for row in Delivery.objects.values("endpoint__kind", "status").annotate(n=Count("pk")).order_by():
            deliveries.add_metric([row["endpoint__kind"], row["status"]], row["n"])
        yield deliveries

        sockets = RoomPresence.objects.filter(seen_at__gte=timezone.now() - STALE_AFTER).count()
        yield GaugeMetricFamily("warroom_live_sockets", "Open war-room WebSockets, across processes", value=sockets)

        queue = celery_queue_length()
        if queue is not None:
            yield GaugeMetricFamily("warroom_celery_queue_length", "Tasks waiting in the Celery queue", value=queue)

    def durations(self, incidents):
        """The three duration histograms by severity, observed once per incident that reached the transition."""
        fields = {"severity", *(end for _, end, _, _ in HISTOGRAMS), *(start for _, _, start, _ in HISTOGRAMS)}
        observed = {name: {s: [] for s in Severity.values} for name, *_ in HISTOGRAMS}
        for row in clocked(incidents).order_by().values(*fields):
            for name, end, start, _ in HISTOGRAMS:
                if row[end] is not None:
                    observed[name][row["severity"]].append((row[end] - row[start]).total_seconds())
        for name, _, _, help_text in HISTOGRAMS:
            family = HistogramMetricFamily(name, f"{help_text}, in seconds (drills left out)", labels=["severity"])
            for severity, values in observed[name].items():
                family.add_metric([severity], cumulative(values), sum_value=sum(values))
            yield family


def celery_queue_length() -> int | None:
    """Messages waiting in the default Celery queue on Redis; None with the in-process memory broker."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
        return int(client.llen("celery"))
    except redis.RedisError:
        return None


# --- request metrics -------------------------------------------------------------------------------------------

REQUESTS = CollectorRegistry(auto_describe=True)
REQUEST_COUNT = RequestCounter(
    "warroom_http_requests", "HTTP requests answered, by method and status", ["method", "status"], registry=REQUESTS
)
REQUEST_SECONDS = Histogram(
    "warroom_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method"],
    registry=REQUESTS,
    buckets=[0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
)


class RequestMetricsMiddleware:
    """Counts every answered request and times it; /metrics itself is counted too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD") else "other"
        REQUEST_COUNT.labels(method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(method).observe(time.perf_counter() - started)
        return response


def scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RecordCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(RequestsOfThisProcess())
    return registry


class RequestsOfThisProcess:
    def collect(self):
        yield from REQUESTS.collect()


# --- who may scrape ----------------------------------------------------------------------------------------------


def allowed_networks(raw: str) -> list:
    """METRICS_ALLOWED_ADDRESSES: comma-separated addresses or networks (`10.0.0.0/8, 127.0.0.1`); ValueError if bad."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip()]


def address_listed(address: str | None) -> bool:
    try:
        networks = allowed_networks(settings.METRICS_ALLOWED_ADDRESSES)
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def bearer_matches(request) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def refusal(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


@login_not_required
@require_GET
def metrics_view(request):
    if bearer_matches(request) or address_listed(request.META.get("REMOTE_ADDR")):
        return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
    if settings.METRICS_TOKEN:
        return refusal(401, "Send `Authorization: Bearer <METRICS_TOKEN>` to read the metrics.")
    if settings.METRICS_ALLOWED_ADDRESSES:
        return refusal(403, "This address is not in METRICS_ALLOWED_ADDRESSES.")
    return refusal(403, "Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_ADDRESSES to let Prometheus scrape.")
