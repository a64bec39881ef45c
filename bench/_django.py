"""A throwaway database for a benchmark: created fresh, migrated, dropped at the end; never the real one."""

import os
from contextlib import contextmanager
from pathlib import Path


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()


@contextmanager
def throwaway_database(name: str):
    """Yields the DATABASE_URL of a fresh, migrated database `name` (beside the configured one)."""
    setup()
    from django.conf import settings
    from django.db import connection

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(settings.VAR_DIR) / f"{name}.sqlite3")
    else:
        test["NAME"] = f"{name}_{connection.settings_dict['NAME']}"  # beside, never instead of, the real one
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        if connection.vendor == "sqlite":
            yield f"sqlite:///{connection.settings_dict['NAME']}"
        else:
            from bench.processes import database_url_for

            yield database_url_for(connection.settings_dict["NAME"])
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
