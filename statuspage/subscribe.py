"""Subscribing from the public page (no login): the form, the confirmation and unsubscribe links.

Mail scanners fetch links, so a GET only shows a page with one button and the POST acts. The unsubscribe POST
needs no cookie or CSRF token (RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` to it); the
token in the URL is the permission. Answers never say whether an address was subscribed already.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from warroom.errors import ActionError

from . import actions, limits, public, tasks
from .branding import branding
from .forms import SubscribeForm
from .models import Subscriber

PER_ADDRESS = (3, 3600)  # confirmation mails per address per hour
PER_CLIENT = (20, 3600)  # subscribe requests per client address per hour
CHECK_INBOX = (
    "If this address can be subscribed, a confirmation link is on its way to it. Nothing is sent until it is used."
)


def subscribe_components():
    return public.snapshot().components


@login_not_required
@require_http_methods(["GET", "POST"])
def subscribe(request):
    components = subscribe_components()
    if request.method == "GET":
        form = SubscribeForm(components=components)
        return render(request, "statuspage/subscribe.html", {"form": form, "brand": branding()})
    form = SubscribeForm(request.POST, components=components)
    if not form.is_valid():
        return render(request, "statuspage/subscribe.html", {"form": form, "brand": branding()}, status=422)
    email = form.cleaned_data["email"].strip().lower()
    client = request.META.get("REMOTE_ADDR", "")
    if not (
        limits.allow("subscribe-client", client, limit=PER_CLIENT[0], per_seconds=PER_CLIENT[1])
        and limits.allow("subscribe-address", email, limit=PER_ADDRESS[0], per_seconds=PER_ADDRESS[1])
    ):
        message = "Too many subscription requests. Try again in an hour."
        return render(request, "statuspage/subscribed.html", {"message": message, "brand": branding()}, status=429)
    try:
        subscriber = actions.request_subscription(email=email, components=form.cleaned_data["components"])
    except ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return render(request, "statuspage/subscribe.html", {"form": form, "brand": branding()}, status=422)
    if subscriber is not None:
        tasks.send_confirmation.delay_on_commit(subscriber.pk)
    return render(request, "statuspage/subscribed.html", {"message": CHECK_INBOX, "brand": branding()})


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    subscriber = Subscriber.objects.filter(token=token, kind=Subscriber.Kind.EMAIL).first()
    if subscriber is None:
        raise Http404("This link is not valid any more: subscribe again from the status page.")
    if request.method == "POST":
        actions.confirm_subscription(token)
        message = "You are subscribed. Every mail has a link to unsubscribe."
        return render(request, "statuspage/subscribed.html", {"message": message, "brand": branding()})
    return render(
        request,
        "statuspage/link.html",
        {"brand": branding(), "heading": "Confirm your subscription", "button": "Confirm subscription"},
    )


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST":
        actions.unsubscribe(token)  # twice, or a link already used, answers the same
        message = "You are unsubscribed; your address is deleted."
        return render(request, "statuspage/subscribed.html", {"message": message, "brand": branding()})
    return render(
        request,
        "statuspage/link.html",
        {"brand": branding(), "heading": "Unsubscribe", "button": "Unsubscribe and delete my address"},
    )
