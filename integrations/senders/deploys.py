"""Deploys from CI/CD: GitHub Actions `deployment_status`, GitLab deployment events, Jenkins (Notification
plugin) and our generic JSON. Only successful deploys become records; anything else is ignored.

Generic JSON (README, "Deploy webhooks"):
    {"id": "run-4711", "service": "checkout", "version": "v2.14.1", "environment": "production",
     "deployed_at": "2026-11-24T21:00:00Z", "deployed_by": "ci-bot", "url": "https://ci.example/run/4711"}
"""

from .events import DeployEvent, http_url, obj, text, timestamp


def parse(payload: dict, headers: dict | None = None) -> list[DeployEvent]:
    headers = headers or {}
    if headers.get("X-GitHub-Event"):
        return _github(payload, headers["X-GitHub-Event"])
    if headers.get("X-Gitlab-Event") or payload.get("object_kind") == "deployment":
        return _gitlab(payload)
    if isinstance(payload.get("build"), dict):
        return _jenkins(payload)
    return [_generic(payload)]


def _github(payload: dict, event: str) -> list[DeployEvent]:
    if event != "deployment_status":
        return []  # ping and other events: nothing to record
    status = obj(payload.get("deployment_status"), "deployment_status")
    if status.get("state") != "success":
        return []
    deployment = obj(payload.get("deployment"), "deployment")
    repository = obj(payload.get("repository") or {}, "repository")
    creator = deployment.get("creator") if isinstance(deployment.get("creator"), dict) else {}
    return [
        DeployEvent(
            service=text(repository.get("name"), "repository.name"),
            version=text(deployment.get("sha"), "deployment.sha", required=True, limit=200),
            external_id=f"deployment:{text(deployment.get('id'), 'deployment.id', required=True)}",
            source="github",
            environment=text(deployment.get("environment") or status.get("environment"), "environment", limit=100)
            or "production",
            deployed_at=timestamp(status.get("created_at"), "deployment_status.created_at"),
            deployed_by=text(creator.get("login"), "deployment.creator.login", limit=150),
            url=http_url(status.get("target_url") or status.get("environment_url") or status.get("log_url")),
        )
    ]


def _gitlab(payload: dict) -> list[DeployEvent]:
    if payload.get("object_kind") != "deployment":
        return []
    if payload.get("status") != "success":
        return []
    project = obj(payload.get("project") or {}, "project")
    user = payload.get("user") if isinstance(payload.get("user"), dict) else {}
    return [
        DeployEvent(
            service=text(project.get("path") or project.get("name"), "project.name"),
            version=text(payload.get("short_sha") or payload.get("sha"), "sha", required=True, limit=200),
            external_id=f"deployment:{text(payload.get('deployment_id'), 'deployment_id', required=True)}",
            source="gitlab",
            environment=text(payload.get("environment"), "environment", limit=100) or "production",
            deployed_at=timestamp(_gitlab_time(payload.get("status_changed_at")), "status_changed_at"),
            deployed_by=text(user.get("username"), "user.username", limit=150),
            url=http_url(payload.get("deployable_url") or payload.get("environment_external_url")),
        )
    ]


def _gitlab_time(value):
    # GitLab writes "2021-04-28 21:50:00 +0200"; make it ISO 8601.
    if isinstance(value, str) and len(value) > 20 and value[10] == " ":
        date, time, zone = (value.split(" ") + ["", ""])[:3]
        return f"{date}T{time}{zone[:3]}:{zone[3:]}" if zone else f"{date}T{time}"
    return value


def _jenkins(payload: dict) -> list[DeployEvent]:
    build = payload["build"]
    if build.get("phase") not in ("COMPLETED", "FINALIZED") or build.get("status") != "SUCCESS":
        return []
    job = text(payload.get("name"), "name", required=True, limit=150)
    number = text(build.get("number"), "build.number", required=True)
    scm = build.get("scm") if isinstance(build.get("scm"), dict) else {}
    parameters = build.get("parameters") if isinstance(build.get("parameters"), dict) else {}
    return [
        DeployEvent(
            service=text(parameters.get("SERVICE"), "SERVICE") or job,
            version=text(parameters.get("VERSION"), "VERSION", limit=200)
            or text(scm.get("commit"), "scm.commit", limit=200)
            or f"#{number}",
            # FINALIZED follows COMPLETED for the same build: one record per job + build number.
            external_id=f"{job}#{number}",
            source="jenkins",
            environment=text(parameters.get("ENVIRONMENT"), "ENVIRONMENT", limit=100) or "production",
            url=http_url(build.get("full_url")),
        )
    ]


def _generic(payload: dict) -> DeployEvent:
    return DeployEvent(
        service=text(payload.get("service"), "service", limit=100),
        version=text(payload.get("version"), "version", required=True, limit=200),
        external_id=text(payload.get("id"), "id", required=True, limit=200),
        source="generic",
        environment=text(payload.get("environment"), "environment", limit=100) or "production",
        deployed_at=timestamp(payload.get("deployed_at"), "deployed_at"),
        deployed_by=text(payload.get("deployed_by"), "deployed_by", limit=150),
        url=http_url(payload.get("url")),
    )
