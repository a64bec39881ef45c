"""Signal receivers of the status page, connected in StatusPageConfig.ready; they run inside the sender's
transaction and only queue work for after the commit, so publishing an update never waits for subscribers."""

from incidents.models import Audience, StatusUpdate

from . import tasks


def tell_subscribers(sender, update: StatusUpdate, **kwargs) -> None:
    """update_published fires for internal updates too: only an approved external one is public."""
    if update.audience == Audience.EXTERNAL and update.state == StatusUpdate.State.PUBLISHED:
        tasks.notify_update.delay_on_commit(update.pk)
