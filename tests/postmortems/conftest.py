"""Fixtures live in tests/postmortem_fixtures.py so the browser tests share them."""

from tests.postmortem_fixtures import eager_celery, postmortem, scripted_incident  # noqa: F401
