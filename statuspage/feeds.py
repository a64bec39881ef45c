"""The status page's history as feeds, /status/history.rss and /status/history.atom: one item per approved
external update (and one per maintenance window), newest first. Feed readers see what the page shows, nothing more."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.utils.feedgenerator import Atom1Feed

from . import public
from .branding import branding
from .models import Maintenance

FEED_LENGTH = 50


class HistoryRss(Feed):
    description = "Incidents and maintenance, as published on the status page."

    def __call__(self, request, *args, **kwargs):
        self.brand = branding()
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.brand.name

    def link(self):
        return self.brand.public_url

    def items(self):
        """Public updates with their incident's public name, and maintenance windows; a fixed number of queries."""
        incidents = public.load_incidents(
            where=Q(pk__in=public.public_updates().order_by("-published_at", "-pk")[:FEED_LENGTH].values("incident_id"))
        )
        items = [(incident, update) for incident in incidents for update in incident.updates]
        items += [(None, window) for window in public.load_maintenances(limit=FEED_LENGTH, newest_first=True)]
        items.sort(key=lambda pair: self.item_pubdate(pair), reverse=True)
        return items[:FEED_LENGTH]

    def item_title(self, item):
        incident, entry = item
        if incident is None:
            return f"{entry.title} ({entry.get_status_display()})"
        return f"{entry.headline or incident.name}: {entry.state_label}"  # the headline approved with this update

    def item_description(self, item):
        incident, entry = item
        if incident is None:
            return (
                f"<p>Scheduled {entry.starts_at:%Y-%m-%d %H:%M} UTC to {entry.ends_at:%Y-%m-%d %H:%M} UTC"
                f"{': ' + ', '.join(s.name for s in entry.services) if entry.services else ''}.</p>{entry.html}"
            )
        return entry.html

    def item_link(self, item):
        incident, entry = item
        if incident is None:
            return self.brand.link(f"#maintenance-{entry.pk}")
        return self.brand.link(f"incidents/{incident.id}/#update-{entry.id}")

    def item_guid(self, item):
        incident, entry = item
        if incident is None:
            return self.brand.link(f"maintenances/{entry.pk}/{entry.status}")
        return self.brand.link(f"incidents/{incident.id}/updates/{entry.id}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        incident, entry = item
        if incident is None:
            return {
                Maintenance.Status.SCHEDULED: entry.created_at,
                Maintenance.Status.IN_PROGRESS: entry.started_at,
                Maintenance.Status.COMPLETED: entry.completed_at,
            }[entry.status] or entry.created_at
        return entry.published_at

    def item_updateddate(self, item):
        return self.item_pubdate(item)


class HistoryAtom(HistoryRss):
    feed_type = Atom1Feed
    subtitle = HistoryRss.description
