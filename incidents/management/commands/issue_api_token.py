from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from incidents import actions
from incidents.models import TokenScope


class Command(BaseCommand):
    help = "Issue a bearer token for the JSON API and the live feed. It is printed once; only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'alert bot'")
        parser.add_argument(
            "--scope", choices=TokenScope.values, default=TokenScope.WRITE, help="read, write (default) or admin"
        )
        parser.add_argument("--expires-in-days", type=int, default=None, help="the token stops working after this")

    def handle(self, username, name, scope, expires_in_days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}. Create the user in the admin first.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        try:
            _, raw = actions.issue_token(user, name=name, scope=scope, expires_in_days=expires_in_days)
        except actions.ActionError as error:
            raise CommandError(error.message)
        self.stdout.write(raw)
