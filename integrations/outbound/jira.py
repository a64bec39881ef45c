"""Jira out: turn an action item into a Jira issue through the REST create-issue API.

`POST {base}/rest/api/2/issue` (Jira Cloud and Data Center answer it alike). Configured by the JIRA_*
environment variables (settings.JIRA). Standard library only; every failure becomes a JiraError that
says whether retrying can help, so the caller stores it and the sweeper tries again.
"""

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings


class JiraError(Exception):
    """Jira did not create the issue. `retryable` is False when sending the same request again cannot help."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class JiraConfig:
    base_url: str
    project_key: str
    issue_type: str = "Task"
    email: str = ""
    api_token: str = ""
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> "JiraConfig":
        conf = settings.JIRA
        return cls(
            base_url=conf["BASE_URL"].rstrip("/"),
            project_key=conf["PROJECT_KEY"],
            issue_type=conf["ISSUE_TYPE"] or "Task",
            email=conf["EMAIL"],
            api_token=conf["API_TOKEN"],
            timeout=conf["TIMEOUT"],
        )

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.project_key)

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "Warroom"}
        if self.email and self.api_token:
            raw = f"{self.email}:{self.api_token}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        elif self.api_token:
            headers["Authorization"] = f"Bearer {self.api_token}"
        return headers


@dataclass(frozen=True)
class CreatedIssue:
    key: str
    url: str  # the browse link a person opens, not the API `self` link


def create_issue(
    config: JiraConfig, *, summary: str, description: str, labels: list[str] | None = None
) -> CreatedIssue:
    """Create one issue; raises JiraError with Jira's own words when it refuses."""
    if not config.enabled:
        raise JiraError("Jira is not configured: set JIRA_BASE_URL and JIRA_PROJECT_KEY.", retryable=False)
    fields = {
        "project": {"key": config.project_key},
        "issuetype": {"name": config.issue_type},
        "summary": summary[:255],  # Jira's limit for summaries
        "description": description,
    }
    if labels:
        fields["labels"] = labels
    request = urllib.request.Request(
        f"{config.base_url}/rest/api/2/issue",
        data=json.dumps({"fields": fields}).encode(),
        headers=config.headers(),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            body = _json(response.read())
    except urllib.error.HTTPError as error:
        raise _refusal(error.code, _json(error.read()))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise JiraError(f"Could not reach Jira at {config.base_url}: {reason}.", retryable=True)
    key = body.get("key") if isinstance(body, dict) else None
    if not key:
        raise JiraError("Jira answered without an issue key.", retryable=True)
    return CreatedIssue(key=key, url=f"{config.base_url}/browse/{key}")


def _json(raw: bytes):
    try:
        return json.loads(raw.decode() or "null")
    except (UnicodeDecodeError, ValueError):
        return None


def _refusal(status: int, body) -> JiraError:
    details = []
    if isinstance(body, dict):
        details += [str(m) for m in body.get("errorMessages") or []]
        details += [f"{field}: {message}" for field, message in (body.get("errors") or {}).items()]
    said = f" Jira said: {'; '.join(details)}" if details else ""
    if status in (401, 403):
        return JiraError(
            f"Jira refused the credentials (HTTP {status}); check JIRA_EMAIL and JIRA_API_TOKEN.{said}",
            retryable=True,
            status=status,
        )
    if status == 400:
        # The request itself is wrong (project, issue type, a required field): the same request fails again.
        return JiraError(f"Jira rejected the issue (HTTP 400).{said}", retryable=False, status=status)
    if status == 404:
        return JiraError(
            f"Jira has no create-issue endpoint at that address (HTTP 404); check JIRA_BASE_URL.{said}",
            retryable=True,
            status=status,
        )
    return JiraError(f"Jira failed (HTTP {status}); it will be retried.{said}", retryable=True, status=status)
