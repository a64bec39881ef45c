"""Sending one delivery: an email through Django's email backend (EMAIL_URL), or a signed webhook POST (through
the integrations' outbound target guard: public addresses only, redirects not followed).

Senders raise SendError with a reason a person can act on; statuspage/tasks.py records it on the delivery.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.mail import EmailMessage

from integrations.outbound.targets import UnsafeTarget, post_json

from .branding import branding
from .models import Delivery, Subscriber

WEBHOOK_TIMEOUT = 5.0


class SendError(Exception):
    pass


def unsubscribe_link(subscriber: Subscriber) -> str:
    return branding().link(f"subscriptions/{subscriber.token}/unsubscribe/")


def mail(subscriber: Subscriber, *, subject: str, text: str) -> EmailMessage:
    """A message with the one-click unsubscribe headers (RFC 8058) and the link in the text."""
    link = unsubscribe_link(subscriber)
    return EmailMessage(
        subject=subject,
        body=f"{text}\n\n--\nYou receive this because you subscribed to {branding().name}.\nUnsubscribe: {link}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def send_confirmation(subscriber: Subscriber) -> None:
    brand = branding()
    confirm = brand.link(f"subscriptions/{subscriber.token}/confirm/")
    text = (
        f"Someone, hopefully you, asked to be told about incidents and maintenance on {brand.name}.\n\n"
        f"Confirm the subscription: {confirm}\n\nIf it was not you, ignore this message: nothing is sent until you confirm."
    )
    mail(subscriber, subject=f"[{brand.name}] Confirm your subscription", text=text).send()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(delivery: Delivery) -> None:
    subscriber = delivery.subscriber
    body = json.dumps(delivery.notice.payload, separators=(",", ":")).encode()
    headers = {
        "User-Agent": "Warroom-Status-Page",
        "X-Warroom-Event": delivery.notice.key,
        "X-Warroom-Delivery": str(delivery.pk),
        "X-Warroom-Signature": signature(subscriber.secret, body),
    }
    try:
        status, _ = post_json(subscriber.url, body, headers, WEBHOOK_TIMEOUT)
    except UnsafeTarget as error:
        raise SendError(str(error))
    except OSError as error:
        raise SendError(f"could not reach the receiver: {getattr(error, 'reason', error)}")
    if not 200 <= status < 300:
        raise SendError(f"the receiver answered HTTP {status}")


def send(delivery: Delivery) -> None:
    """Send one delivery to its subscriber; SendError says why it did not go."""
    if delivery.subscriber.kind == Subscriber.Kind.WEBHOOK:
        post_webhook(delivery)
        return
    try:
        mail(delivery.subscriber, subject=delivery.notice.subject, text=delivery.notice.text).send()
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
        raise SendError(f"the mail server refused it: {error}")
