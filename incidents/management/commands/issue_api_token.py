from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from incidents.models import ApiToken


class Command(BaseCommand):
    help = "Issue a bearer token for the JSON API and the live feed. It is printed once; only its hash is kept."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. 'alert bot'")

    def handle(self, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}. Create the user in the admin first.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        _, raw = ApiToken.issue(user, name=name)
        self.stdout.write(raw)
