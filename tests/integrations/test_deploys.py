"""Deploys from GitHub Actions, GitLab, Jenkins and the generic JSON become the deploy records of the room."""

import json

import pytest

from incidents.models import Deploy, EntryKind
from integrations.models import DeliveryStatus
from integrations.signatures import sign

from .conftest import payload

GITHUB = {"X-GitHub-Event": "deployment_status"}
GITLAB = {"X-Gitlab-Event": "Deployment Hook"}


@pytest.mark.parametrize(
    ("sample", "headers", "expected"),
    [
        (
            "github-deployment-status",
            GITHUB,
            (
                "github",
                "deployment:1456228",
                "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
                "bob",
                "https://github.com/acme/checkout/actions/runs/4711",
            ),
        ),
        (
            "gitlab-deployment",
            GITLAB,
            ("gitlab", "deployment:15", "279484c0", "carol", "https://gitlab.example/acme/checkout/-/jobs/796"),
        ),
        (
            "jenkins-notification",
            {},
            ("jenkins", "checkout#318", "v2.14.2", "", "https://jenkins.example/job/checkout/318/"),
        ),
        ("generic-deploy", {}, ("generic", "run-4711", "v2.14.3", "ci-bot", "https://ci.example/run/4711")),
    ],
)
def test_it_records_a_deploy_once_however_often_it_arrives(make_endpoint, sender, checkout, sample, headers, expected):
    _, path = make_endpoint("deploy")
    first = sender.deliver(path, payload(sample), headers=headers)
    sender.deliver(path, payload(sample), headers=headers)
    assert first.status == DeliveryStatus.PROCESSED
    deploy = Deploy.objects.get()
    assert (deploy.source, deploy.external_id, deploy.version, deploy.deployed_by, deploy.url) == expected
    assert (deploy.service, deploy.environment) == (checkout, "production")


def test_it_reads_the_deploy_time_from_the_sender(make_endpoint, sender, checkout):
    _, path = make_endpoint("deploy")
    sender.deliver(path, payload("gitlab-deployment"), headers=GITLAB)
    assert Deploy.objects.get().deployed_at.isoformat() == "2026-11-24T20:36:01+00:00"


def test_it_notes_the_deploy_in_open_incidents_of_the_service(make_endpoint, sender, incident):
    _, path = make_endpoint("deploy")
    sender.deliver(path, payload("github-deployment-status"), headers=GITHUB)
    entry = incident.entries.get(kind=EntryKind.DEPLOY)
    assert "**Checkout** `a1b2c3d4e5f60718293a4b5c6d7e8f9012345678` to production by bob" in entry.body


@pytest.mark.parametrize(
    ("sample", "headers", "change"),
    [
        ("github-deployment-status", {"X-GitHub-Event": "ping"}, {}),
        ("github-deployment-status", GITHUB, {"deployment_status": {"state": "failure"}}),
        ("gitlab-deployment", GITLAB, {"status": "running"}),
        ("jenkins-notification", {}, {"build": {"phase": "STARTED", "number": 318}}),
    ],
)
def test_it_ignores_events_that_are_not_a_finished_deploy(make_endpoint, sender, checkout, sample, headers, change):
    _, path = make_endpoint("deploy")
    delivery = sender.deliver(path, {**payload(sample), **change}, headers=headers)
    assert delivery.status == DeliveryStatus.IGNORED
    assert not Deploy.objects.exists()


def test_it_uses_the_endpoints_service_when_the_sender_names_an_unknown_one(make_endpoint, sender, checkout):
    _, path = make_endpoint("deploy", service=checkout)
    sender.deliver(path, {**payload("generic-deploy"), "service": "checkout-web"})
    assert Deploy.objects.get().service == checkout


def test_it_fails_the_delivery_with_a_reason_when_the_service_is_unknown(make_endpoint, sender):
    _, path = make_endpoint("deploy")
    delivery = sender.deliver(path, payload("generic-deploy"))
    assert delivery.status == DeliveryStatus.FAILED
    assert "No service named “checkout”" in delivery.note
    assert not Deploy.objects.exists()


def test_it_checks_githubs_signature_and_gitlabs_token(make_endpoint, sender, checkout):
    _, path = make_endpoint("deploy", signing_secret="ci-secret")
    body = json.dumps(payload("github-deployment-status")).encode()
    good = {**GITHUB, "X-Hub-Signature-256": "sha256=" + sign("ci-secret", body)}
    assert sender.post(path, raw=body, headers=good).status_code == 202
    assert (
        sender.post(
            path, raw=body, headers={**GITHUB, "X-Hub-Signature-256": "sha256=" + sign("nope", body)}
        ).status_code
        == 401
    )
    gitlab = json.dumps(payload("gitlab-deployment"))
    assert sender.post(path, raw=gitlab, headers={**GITLAB, "X-Gitlab-Token": "ci-secret"}).status_code == 202
    assert sender.post(path, raw=gitlab, headers={**GITLAB, "X-Gitlab-Token": "guess"}).status_code == 401


def test_it_keeps_a_deploy_whose_link_is_too_long_without_the_link(make_endpoint, sender, checkout):
    _, path = make_endpoint("deploy")
    sender.deliver(path, {**payload("generic-deploy"), "url": "https://ci.example/" + "x" * 600})
    assert Deploy.objects.get().url == ""
