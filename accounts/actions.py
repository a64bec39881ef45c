"""The accounts app's writes: users and their access from the identity provider's claims, and sign-in unlocks.

Each change of access writes an audit line (incidents.actions.audit), with the address of the sign-in.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from incidents.access import OBSERVERS_GROUP
from incidents.actions import AuditAction, audit
from incidents.models import Team

from .models import Identity

User = get_user_model()

# Audit names of this app (the shared ones live in incidents.actions.AuditAction).
IDP_ACCESS_CHANGED = "idp_access_changed"
SIGN_IN_UNLOCKED = "sign_in_unlocked"

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")


def groups_from_claims(claims: dict) -> list[str]:
    """The groups claim (OIDC_GROUPS_CLAIM) as a list of names: providers send a list or one string."""
    raw = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(raw, str):
        raw = [raw]
    return sorted({str(group) for group in raw if str(group).strip()})


def free_username(claims: dict) -> str:
    """A username for a new user: the IdP's preferred name, then the email's local part; a number when taken."""
    wanted = claims.get("preferred_username") or (claims.get("email") or "").split("@")[0] or claims["sub"]
    base = _NOT_IN_USERNAME.sub("-", str(wanted))[:140].strip("-") or "user"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def sign_in_from_claims(claims: dict, *, issuer: str, request=None):
    """The user behind these verified claims, created on first sign-in, with teams, Observers and admin from the
    groups claim. None when the claims name no subject or the user was deactivated here."""
    subject = str(claims.get("sub") or "")
    if not subject:
        return None
    identity = Identity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if identity is None:
        first, _, last = str(claims.get("name") or "").partition(" ")
        user = User.objects.create_user(
            free_username(claims), email=claims.get("email") or "", first_name=first[:150], last_name=last[:150]
        )
        user.set_unusable_password()  # SSO users sign in at the provider; the local form is for break-glass
        user.save(update_fields=["password"])
        identity = Identity.objects.create(user=user, issuer=issuer, subject=subject)
    user = identity.user
    if not user.is_active:
        return None
    groups = groups_from_claims(claims)
    identity.groups = groups
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["groups", "last_login_at"])
    apply_idp_groups(user, groups, request=request)
    return user


def apply_idp_groups(user, groups: list[str], *, request=None) -> None:
    """Make the user's teams, Observer membership and admin flags follow the IdP's groups.

    Only what the IdP is configured to own changes: teams with an IdP group, Observers when OIDC_OBSERVER_GROUPS
    is set, is_staff/is_superuser when OIDC_ADMIN_GROUPS is set. Teams managed in the admin alone are left be.
    """
    names = set(groups)
    managed = list(Team.objects.exclude(idp_group="").prefetch_related("members"))
    for team in managed:
        is_member = any(member.pk == user.pk for member in team.members.all())
        should_be = team.idp_group in names
        if should_be and not is_member:
            team.members.add(user)
        elif is_member and not should_be:
            team.members.remove(user)
        else:
            continue
        change = "joined" if should_be else "left"
        audit(AuditAction.TEAM_MEMBERSHIP, actor=user, request=request, team=team.slug, change=change, source="idp")

    changes = {}
    if settings.OIDC_OBSERVER_GROUPS:
        observer = bool(names & set(settings.OIDC_OBSERVER_GROUPS))
        observers, _ = Group.objects.get_or_create(name=OBSERVERS_GROUP)
        if observer != user.groups.filter(pk=observers.pk).exists():
            (user.groups.add if observer else user.groups.remove)(observers)
            changes["observer"] = observer
    if settings.OIDC_ADMIN_GROUPS:
        admin = bool(names & set(settings.OIDC_ADMIN_GROUPS))
        if admin != (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = admin
            user.save(update_fields=["is_staff", "is_superuser"])
            changes["admin"] = admin
    if changes:
        audit(IDP_ACCESS_CHANGED, actor=user, request=request, source="idp", **changes)


def unlock_sign_in(usernames: list[str], *, actor, request=None) -> int:
    """Lift the lockout of these usernames from every address; the number of lockout records removed."""
    from axes.utils import reset

    removed = 0
    for username in usernames:
        count = reset(username=username)
        removed += count
        audit(SIGN_IN_UNLOCKED, actor=actor, request=request, username=username, attempts_cleared=count)
    return removed
