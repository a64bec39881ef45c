"""Saving under a version guard: the later stale save is refused with both texts, and nothing is lost."""

import pytest
from django.urls import reverse

from postmortems import actions
from postmortems.models import Postmortem, Revision


def test_it_saves_and_bumps_the_version_with_a_revision(postmortem, bob):
    saved = actions.save_postmortem(postmortem, markdown="# New\n\nThe pool **leaked**.", version=1, actor=bob)
    assert saved.version == 2
    assert "<strong>leaked</strong>" in saved.html
    revision = Revision.objects.get(postmortem=postmortem, version=2)
    assert revision.author == bob and revision.markdown == "# New\n\nThe pool **leaked**."


def test_it_refuses_the_later_stale_save_and_keeps_the_first(postmortem, alice, bob):
    actions.save_postmortem(postmortem, markdown="Alice's text", version=1, actor=alice)
    with pytest.raises(actions.PostmortemConflict) as conflict:
        actions.save_postmortem(postmortem, markdown="Bob's text", version=1, actor=bob)
    assert conflict.value.status_code == 409
    assert conflict.value.message.startswith("Your save was based on version 1, but Alice Ng saved version 2.")
    assert conflict.value.current.version == 2 and conflict.value.current.markdown == "Alice's text"
    postmortem.refresh_from_db()
    assert postmortem.markdown == "Alice's text" and postmortem.version == 2


def test_it_sanitizes_the_saved_html(postmortem, alice):
    hostile = "<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    saved = actions.save_postmortem(postmortem, markdown=hostile, version=1, actor=alice)
    assert "<script" not in saved.html and "javascript:" not in saved.html and "onerror" not in saved.html


def test_it_refuses_edits_once_published(postmortem, alice):
    actions.send_to_review(postmortem, actor=alice)
    actions.publish(postmortem, actor=alice)
    with pytest.raises(actions.ActionConflict, match="published and read-only"):
        actions.save_postmortem(postmortem, markdown="late", version=1, actor=alice)


def test_it_moves_draft_to_review_to_published_only_in_order(postmortem, alice):
    with pytest.raises(actions.ActionConflict, match="Send it to review first"):
        actions.publish(postmortem, actor=alice)
    actions.send_to_review(postmortem, actor=alice)
    published = actions.publish(postmortem, actor=alice)
    assert published.status == Postmortem.State.PUBLISHED and published.published_at
    bodies = list(postmortem.incident.entries.filter(kind="postmortem").values_list("body", flat=True))
    assert any(b.startswith("Alice Ng published the postmortem") for b in bodies)


def test_it_shows_both_texts_when_a_browser_save_is_stale(client, postmortem, alice, bob):
    actions.save_postmortem(postmortem, markdown="Alice wrote this first.", version=1, actor=alice)
    client.force_login(bob)
    url = reverse("postmortems:save", args=[postmortem.incident_id])
    response = client.post(url, {"markdown": "Bob wrote this meanwhile.", "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Alice wrote this first." in html and "Bob wrote this meanwhile." in html
    assert (
        'id="pm-version" name="version" value="1"' in html
    )  # the editor stays on its version: nothing overwritten silently
    # Bob chooses to keep his text over version 2.
    response = client.post(url, {"markdown": "Bob wrote this meanwhile.", "version": "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'value="3"' in response.content.decode()


def test_it_renders_the_editor_with_a_constant_number_of_queries(
    client, postmortem, alice, bob, django_assert_max_num_queries
):
    for n in range(20):
        actions.add_factor(postmortem, text=f"Condition {n}", actor=alice)
    client.force_login(bob)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("postmortems:editor", args=[postmortem.incident_id]))
    assert response.status_code == 200
    assert "Condition 19" in response.content.decode()


def test_it_previews_with_findings_highlighted(client, postmortem, bob):
    client.force_login(bob)
    url = reverse("postmortems:preview", args=[postmortem.incident_id])
    response = client.post(url, {"markdown": "Bob forgot the **flag**."}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<mark class="finding" data-rule="forgot"' in html and "<strong>flag</strong>" in html
    assert "Forgetting is normal" in html


def test_it_shows_history_and_a_diff(client, postmortem, alice):
    actions.save_postmortem(postmortem, markdown=postmortem.markdown + "\nA new line.\n", version=1, actor=alice)
    client.force_login(alice)
    history = client.get(reverse("postmortems:history", args=[postmortem.incident_id])).content.decode()
    assert "v2" in history and "alice" in history and "Warroom (first draft)" in history
    diff = client.get(reverse("postmortems:revision_diff", args=[postmortem.incident_id, 2])).content.decode()
    assert '<span class="diff-add">+A new line.</span>' in diff


def test_it_exports_markdown_and_html_with_the_factor_tree(client, postmortem, alice):
    trigger = actions.add_factor(
        postmortem, text="The v42 deploy opened connections without closing them", is_trigger=True, actor=alice
    )
    actions.add_factor(postmortem, text="The pool had no upper bound", parent_id=trigger.pk, actor=alice)
    client.force_login(alice)
    md = client.get(reverse("postmortems:export", args=[postmortem.incident_id, "md"])).content.decode()
    assert (
        "- **Trigger:** The v42 deploy opened connections without closing them\n    - The pool had no upper bound" in md
    )
    response = client.get(reverse("postmortems:export", args=[postmortem.incident_id, "html"]))
    assert response["Content-Disposition"].endswith('-postmortem.html"')
    assert "<strong>Trigger:</strong> The v42 deploy" in response.content.decode()


def test_it_turns_five_whys_into_a_chain_of_factors(postmortem, alice):
    answers = ["The pool was exhausted", "", "Connections leaked"]
    chain = actions.add_five_whys(postmortem, problem="Checkout returned 500", answers=answers, actor=alice)
    assert [f.text for f in chain] == ["Checkout returned 500", "The pool was exhausted", "Connections leaked"]
    assert chain[1].parent == chain[0] and chain[2].parent == chain[1]
    with pytest.raises(actions.ActionError, match="Answer at least"):
        actions.add_five_whys(postmortem, problem="x", answers=["", " "], actor=alice)


def test_it_keeps_one_trigger(postmortem, alice):
    first = actions.add_factor(postmortem, text="A", is_trigger=True, actor=alice)
    actions.add_factor(postmortem, text="B", is_trigger=True, actor=alice)
    first.refresh_from_db()
    assert not first.is_trigger and postmortem.factors.filter(is_trigger=True).get().text == "B"


def test_observers_cannot_save(client, postmortem, observer):
    client.force_login(observer)
    response = client.post(
        reverse("postmortems:save", args=[postmortem.incident_id]), {"markdown": "x", "version": "1"}
    )
    assert response.status_code == 403


def test_without_javascript_a_stale_save_renders_the_editor_with_both_texts(client, postmortem, alice, bob):
    actions.save_postmortem(postmortem, markdown="Alice wrote this first.", version=1, actor=alice)
    client.force_login(bob)
    response = client.post(
        reverse("postmortems:save", args=[postmortem.incident_id]), {"markdown": "Bob's text.", "version": "1"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "<title>Postmortem" in html and "Alice wrote this first." in html and "Bob&#x27;s text." in html


def test_without_javascript_a_save_redirects_to_the_editor(client, postmortem, bob):
    client.force_login(bob)
    url = reverse("postmortems:save", args=[postmortem.incident_id])
    response = client.post(url, {"markdown": "Plain form save.", "version": "1"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "postmortems:editor", args=[postmortem.incident_id]
    )
    postmortem.refresh_from_db()
    assert postmortem.version == 2
