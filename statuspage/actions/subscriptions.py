"""Subscribing to the status page: email with double opt-in, one-click unsubscribe, webhook subscribers.

An address is stored only with its components and its confirmation time; unsubscribing deletes it. Whether an
address is already subscribed is never said to the person asking: request_subscription answers None for a
confirmed address, and the view shows the same page either way.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.outbound.targets import UnsafeTarget, check_target
from warroom.errors import ActionConflict, ActionError

from .. import public
from ..models import Subscriber


def clean_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError("Enter an email address like name@example.com.", "email")
    return email


def public_components(slugs) -> list:
    """The components a subscriber may choose: only those the page shows (an internal service stays unknown)."""
    wanted = list(dict.fromkeys(s.strip() for s in (slugs or []) if s and s.strip()))
    if not wanted:
        return []
    found = {s.slug: s for s in public.public_services().filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise ActionError(f"Unknown component: {', '.join(unknown)}.", "components")
    return [found[s] for s in wanted]


def request_subscription(*, email: str, components=()) -> Subscriber | None:
    """Subscribe an address, unconfirmed until its confirmation link is used; answers the subscriber to send the
    confirmation to, or None when the address is confirmed already (nothing changes, nothing is sent)."""
    email = clean_email(email)
    services = public_components(components)
    try:
        with transaction.atomic():
            existing = Subscriber.objects.select_for_update().filter(kind=Subscriber.Kind.EMAIL, email=email).first()
            if existing is not None and existing.confirmed_at is not None:
                return None
            subscriber = existing or Subscriber.objects.create(
                kind=Subscriber.Kind.EMAIL, email=email, token=secrets.token_urlsafe(32)
            )
            subscriber.services.set(services)
    except IntegrityError:
        return None  # the same address asked twice at once: the first request sends the link
    return subscriber


def confirm_subscription(token: str) -> Subscriber | None:
    """Use a confirmation link (twice is the same as once); None for a link that is not ours (or unsubscribed)."""
    Subscriber.objects.filter(token=token, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    return Subscriber.objects.filter(token=token).first()


def unsubscribe(token: str) -> bool:
    """Delete the subscriber of this link and what it was owed; False when there was none (already gone)."""
    deleted, _ = Subscriber.objects.filter(token=token).delete()
    return bool(deleted)


def add_webhook_subscriber(*, url: str, components=()) -> tuple[Subscriber, str]:
    """An admin's webhook receiver; answers it and its signing secret (shown once, then only used to sign)."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ActionError("Give the receiver's absolute http(s) URL.", "url")
    if len(url) > 500:
        raise ActionError("The URL is longer than 500 characters.", "url")
    try:
        check_target(url)
    except UnsafeTarget as error:
        raise ActionError(str(error), "url")
    services = public_components(components)
    secret = secrets.token_hex(32)
    try:
        with transaction.atomic():
            subscriber = Subscriber.objects.create(
                kind=Subscriber.Kind.WEBHOOK,
                url=url,
                secret=secret,
                token=secrets.token_urlsafe(32),
                confirmed_at=timezone.now(),
            )
            subscriber.services.set(services)
    except IntegrityError:
        raise ActionConflict("This URL is subscribed already.", "url")
    return subscriber, secret
