"""What makes an action item SMART, checked on every save with messages a person understands.

Specific (a title that starts with a verb), Measurable (a done criterion), Assigned (one owner),
Time-bound (a due date, by default from the incident's severity). Used by action_items/actions/items.py only.
"""

import re
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from warroom.errors import ActionError

# Imperative verbs that open action items in practice. A title starting with anything else is refused
# with an example; "re-" and "auto-" forms of these count too (re-enable, auto-scale).
VERBS = frozenset(
    """
    add adjust alert align allow analyse analyze annotate apply archive assess audit automate backfill block
    bound build bump cache cap capture change check clarify clean cleanup close collect communicate configure
    confirm consolidate create cut deduplicate define delete deploy deprecate design detect disable document
    downgrade drain drop enable enforce ensure establish estimate evaluate expand expose extend extract fix
    flag follow gate handle harden implement import improve increase instrument integrate introduce investigate
    isolate keep limit load lock log lower make measure merge migrate mitigate monitor move notify optimise
    optimize page partition patch pin plan practice practise prevent prioritise prioritize profile protect
    provision prune publish purge rate-limit reduce refactor reject release remove rename replace report require
    reset resize restrict retire review revise rewrite roll rollback rotate run scale schedule scope separate
    set shard shorten simplify snapshot split stage standardise standardize start stop streamline switch sync
    tag teach test throttle tighten track train tune turn update upgrade validate verify version warn write
    """.split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


def first_word(title: str) -> str:
    match = _WORD.match(title.strip())
    return match.group(0).lower() if match else ""


def starts_with_verb(title: str) -> bool:
    word = first_word(title)
    if word in VERBS:
        return True
    for prefix in ("re-", "re", "auto-", "auto", "un"):
        if word.startswith(prefix) and word[len(prefix) :] in VERBS:
            return True
    return False


def default_due_date(severity: str, today: date | None = None) -> date:
    """SEV1 15 days, SEV2 30, others 60 (settings.WARROOM["ACTION_ITEM_DUE_DAYS"])."""
    days = settings.WARROOM["ACTION_ITEM_DUE_DAYS"]
    return (today or timezone.localdate()) + timedelta(days=days.get(severity, days["default"]))


def check_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise ActionError(
            "Give the action item a title that says what to do, e.g. “Add an alert on checkout 5xx rate”.", "title"
        )
    limit = settings.WARROOM["TITLE_MAX_LENGTH"]
    if len(title) > limit:
        raise ActionError(f"The title is {len(title)} characters long; the limit is {limit}.", "title")
    if not starts_with_verb(title):
        word = title.split()[0]
        raise ActionError(
            f"Start the title with a verb that says what to do (it starts with “{word}”), e.g. “Add an alert on checkout 5xx rate”.",
            "title",
        )
    return title


def check_done_criterion(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) < 10:
        raise ActionError(
            "Describe what done looks like, so anyone can tell when the item is finished, "
            "e.g. “Alert pages on-call within 5 minutes of a 5xx spike”.",
            "description",
        )
    limit = settings.WARROOM["BODY_MAX_LENGTH"]
    if len(description) > limit:
        raise ActionError(
            f"The description is {len(description)} characters long; the limit is {limit}.", "description"
        )
    return description


def check_owner(owner):
    if owner is None:
        raise ActionError("Name one owner: an action item without an owner is nobody's job.", "owner")
    if not owner.is_active:
        raise ActionError(f"{owner.get_username()} is no longer active; choose an active owner.", "owner")
    return owner


def check_due_date(due_date: date | None, *, today: date | None = None) -> date:
    if due_date is None:
        raise ActionError("Choose a due date: an action item without one is never finished.", "due_date")
    today = today or timezone.localdate()
    if due_date < today:
        raise ActionError(
            f"The due date {due_date.isoformat()} is in the past; choose today or a later day.", "due_date"
        )
    return due_date


def check_choice(value, choices, *, field: str, label: str):
    if value not in choices.values:
        raise ActionError(f"Choose a {label}: one of {', '.join(choices.values)} (got “{value or ''}”).", field)
    return choices(value)


def check_url(url: str | None) -> str:
    url = (url or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise ActionError("The external link must start with http:// or https://.", "external_url")
    if len(url) > 500:
        raise ActionError("The external link is longer than 500 characters.", "external_url")
    return url
