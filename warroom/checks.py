"""System checks for the settings: a malformed or half-made configuration is named at start, with its fix.

Each check reads django.conf.settings when it runs; WarroomConfig.ready() registers them.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error
from django.utils.module_loading import import_string

from warroom.env import CADENCE_FORM, parse_update_cadence

SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")
CADENCE_MINUTES = range(1, 241)
CHANNEL_LAYER_BACKENDS = (
    "channels.layers.InMemoryChannelLayer",
    "channels_redis.core.RedisChannelLayer",
    "channels_redis.pubsub.RedisPubSubChannelLayer",
)
JIRA_PARTS = ("PROJECT_KEY", "API_TOKEN")  # what an export needs besides BASE_URL


def check_update_cadence(app_configs=None, **kwargs) -> list[Error]:
    hint = (
        f'Set UPDATE_CADENCE like "{CADENCE_FORM}": keys SEV1..SEV5, minutes 1..{CADENCE_MINUTES[-1]}, '
        "or none (also 0 or empty) for updates on change only."
    )
    errors = []
    _, unreadable = parse_update_cadence(getattr(settings, "UPDATE_CADENCE_RAW", ""))
    for item in unreadable:
        errors.append(Error(f"UPDATE_CADENCE item {item!r} is not SEVERITY=MINUTES.", hint=hint, id="warroom.E001"))

    cadence = settings.WARROOM.get("UPDATE_CADENCE_MINUTES")
    if not isinstance(cadence, dict):
        message = f'WARROOM["UPDATE_CADENCE_MINUTES"] must be a dict of severity to minutes, not {cadence!r}.'
        return [*errors, Error(message, hint=hint, id="warroom.E001")]
    for severity, minutes in cadence.items():
        if severity not in SEVERITIES:
            errors.append(Error(f"Update cadence for unknown severity {severity!r}.", hint=hint, id="warroom.E001"))
        if minutes is not None and (type(minutes) is not int or minutes not in CADENCE_MINUTES):
            message = f"Update cadence {severity}={minutes!r} is neither minutes in 1..{CADENCE_MINUTES[-1]} nor none."
            errors.append(Error(message, hint=hint, id="warroom.E001"))
    return errors


def check_jira(app_configs=None, **kwargs) -> list[Error]:
    jira = settings.JIRA
    if jira.get("BASE_URL"):
        missing = [f"JIRA_{part}" for part in JIRA_PARTS if not jira.get(part)]
        problem = f"JIRA_BASE_URL is set without {' and '.join(missing)}" if missing else ""
    else:
        present = [f"JIRA_{part}" for part in JIRA_PARTS if jira.get(part)]
        problem = f"{' and '.join(present)} set without JIRA_BASE_URL" if present else ""
    if not problem:
        return []
    hint = (
        "Set JIRA_BASE_URL (e.g. https://acme.atlassian.net), JIRA_PROJECT_KEY and JIRA_API_TOKEN "
        "(plus JIRA_EMAIL for Jira Cloud), or unset all JIRA_* variables to turn the export off."
    )
    return [Error(f"Jira export is half configured: {problem}.", hint=hint, id="warroom.E002")]


def _is_absolute_http_url(url: object) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_site_url(app_configs=None, **kwargs) -> list[Error]:
    site_url = settings.SITE_URL
    if not _is_absolute_http_url(site_url):
        problem = "is not an absolute http(s) URL"
    elif (parts := urlsplit(site_url)).path or parts.query or parts.fragment:
        problem = "has a path, query or fragment; links are made by appending to it"
    else:
        return []
    hint = "Set SITE_URL to the scheme and host people open, without a path, e.g. https://warroom.example.com."
    return [Error(f"SITE_URL {site_url!r} {problem}.", hint=hint, id="warroom.E003")]


def check_channel_layer(app_configs=None, **kwargs) -> list[Error]:
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if backend not in CHANNEL_LAYER_BACKENDS:
        message = f"Unknown channel layer backend {backend!r} (CHANNEL_LAYER_BACKEND)."
        hint = f"Set CHANNEL_LAYER_BACKEND to one of {', '.join(CHANNEL_LAYER_BACKENDS)}, or unset it."
        return [Error(message, hint=hint, id="warroom.E004")]
    try:
        import_string(backend)
    except ImportError as error:
        message = f"Channel layer backend {backend!r} cannot be imported: {error}."
        hint = "pip install -r requirements.txt (channels-redis), or unset REDIS_URL for the in-memory layer."
        return [Error(message, hint=hint, id="warroom.E004")]
    return []


SETTINGS_CHECKS = (check_update_cadence, check_jira, check_site_url, check_channel_layer)
