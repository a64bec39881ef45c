"""`manage.py create_endpoint <kind> <name>`: a webhook endpoint; prints its URL (the token is shown only once).

For `pagerduty` and `opsgenie` it prints the routing key / API key instead (the URL is the vendor API's path,
named on stderr), so `KEY=$(manage.py create_endpoint pagerduty prod)` keeps just the key."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from incidents.models import Service
from integrations import actions
from integrations.models import VENDOR_API_KINDS, Endpoint, EndpointKind


class Command(BaseCommand):
    help = "Create a webhook endpoint for alerts or deploys and print its full URL."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=EndpointKind.values)
        parser.add_argument("name")
        parser.add_argument(
            "--signing-secret", default="", help="HMAC-SHA256 secret (Grafana, Sentry, GitHub) or GitLab token"
        )
        parser.add_argument("--service", default="", help="slug of the service to use when the payload names none")
        parser.add_argument("--commander", default="", help="username commanding incidents this endpoint declares")
        parser.add_argument(
            "--expect-heartbeat-minutes",
            type=int,
            default=None,
            help="declare “Monitoring is blind” when no delivery arrives for this many minutes (e.g. Alertmanager's Watchdog)",
        )

    def handle(self, *args, kind, name, signing_secret, service, commander, expect_heartbeat_minutes, **options):
        if expect_heartbeat_minutes is not None and expect_heartbeat_minutes < 1:
            raise CommandError("--expect-heartbeat-minutes must be a whole number of minutes, 1 or more.")
        if Endpoint.objects.filter(name=name).exists():
            raise CommandError(f"An endpoint named “{name}” exists already; choose another name.")
        owner = person = None
        if service:
            owner = Service.objects.filter(slug=service).first()
            if owner is None:
                raise CommandError(f"No service with slug “{service}”.")
        if commander:
            person = get_user_model().objects.filter(username=commander, is_active=True).first()
            if person is None:
                raise CommandError(f"No active user “{commander}”.")
        _, token = actions.create_endpoint(
            kind=kind,
            name=name,
            signing_secret=signing_secret,
            service=owner,
            commander=person,
            expect_heartbeat_minutes=expect_heartbeat_minutes,
        )
        if kind in VENDOR_API_KINDS:
            where = "routing_key" if kind == EndpointKind.PAGERDUTY else "Authorization: GenieKey <key>"
            self.stderr.write(f"POST to {Endpoint.url_for(kind, token)} with this key as {where}:")
            self.stdout.write(token)
        else:
            self.stdout.write(Endpoint.url_for(kind, token))
