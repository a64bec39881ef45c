import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the first admin user `admin` when no user exists (password from WARROOM_ADMIN_PASSWORD, else generated and printed once)."

    def handle(self, **options):
        User = get_user_model()
        if User.objects.exists():
            return
        password = os.environ.get("WARROOM_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "", password)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Created the first admin user."))
        self.stdout.write("    username: admin")
        if os.environ.get("WARROOM_ADMIN_PASSWORD"):
            self.stdout.write("    password: (from WARROOM_ADMIN_PASSWORD)")
        else:
            self.stdout.write(f"    password: {password}    <- shown once; change it in the admin")
        self.stdout.write("")
