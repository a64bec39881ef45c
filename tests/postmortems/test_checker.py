"""The blameless checker: one table of rules, each tested with sentences it must flag and sentences it must not."""

import pytest

from postmortems import checker

PEOPLE = ("bob", "Bob", "Bob Ortiz", "alice", "Alice")

CASES = [
    # (rule, flagged sentence, excerpt)
    ("human-error", "The outage was caused by human error.", "human error"),
    ("human-error", "Root cause: operator error during the failover.", "operator error"),
    ("person-as-cause", "Bob caused the outage by pushing the config.", "Bob caused"),
    ("person-as-cause", "Then Bob Ortiz deleted the index.", "Bob Ortiz deleted"),
    ("person-as-cause", "The on-call engineer missed the page.", "The on-call engineer missed"),
    ("person-as-cause", "Someone pushed a bad config.", "Someone pushed"),
    ("should-have", "We should have rolled back earlier.", "should have"),
    ("should-have", "The reviewer could have caught it.", "could have"),
    ("should-have", "That shouldn't have reached production.", "shouldn't have"),
    ("failed-to", "The engineer failed to check the dashboard.", "failed to"),
    ("forgot", "Alice forgot to reload the config.", "forgot"),
    ("careless", "It was a careless change.", "careless"),
    ("careless", "The rollout was sloppy.", "sloppy"),
    (
        "counterfactual",
        "If the canary had been on, it would not have happened.",
        "If the canary had been on, it would not have",
    ),
    ("why-did-person", "Why did Bob restart the primary?", "Why did Bob"),
    ("why-did-person", "why did he skip the runbook", "why did he"),
    ("minimizer", "Just restart the pod.", "Just"),
    ("minimizer", "The fix was obviously a rollback.", "obviously"),
    ("minimizer", "They could simply have disabled the flag.", "simply"),
]


def test_it_has_one_row_per_rule_in_product_md():
    assert [r.id for r in checker.RULES] == [
        "human-error",
        "person-as-cause",
        "should-have",
        "failed-to",
        "forgot",
        "careless",
        "counterfactual",
        "why-did-person",
        "minimizer",
    ]
    for rule in checker.RULES:
        assert rule.message and rule.suggestion and rule.label


@pytest.mark.parametrize("rule, sentence, excerpt", CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_it_flags_each_rule_with_excerpt_reason_and_rewrite(rule, sentence, excerpt):
    findings = [f for f in checker.check(sentence, PEOPLE) if f.rule == rule]
    assert [f.excerpt for f in findings] == [excerpt]
    assert findings[0].message == checker.RULES_BY_ID[rule].message
    assert findings[0].suggestion == checker.RULES_BY_ID[rule].suggestion
    assert sentence[findings[0].start : findings[0].end] == excerpt


ORDINARY = [
    "The deploy of v42 at 14:02 UTC introduced a connection leak in checkout-api.",
    "The alert fired 3 minutes after impact began; the on-call engineer acknowledged it at 14:06.",
    "Bob rolled back checkout-api to v41 at 14:21 and the error rate dropped to 0.2%.",
    "Alice took the Incident Commander role and asked for a status update every 30 minutes.",
    "The migration dropped an index, which made the orders query scan the whole table.",
    "Error rate rose just after 14:00 and again just before the rollback.",
    "What made the rollback look risky at the time? How did the dashboard present the error rate?",
    "The runbook did not include a step to reload the config after the change.",
    "Requests failed with HTTP 500 for 25 minutes; 38% of card payments were declined.",
    "We had a canary stage, but it only covered 1% of traffic.",
    "The cache would have expired after an hour in any case.",
    "Users who retried saw the error again; support answered 120 tickets.",
    "The human-readable log format hid the stack trace.",
    "The configuration had no upper bound on the pool size.",
    "Detection took 3 minutes; the page went to the right team.",
]


@pytest.mark.parametrize("sentence", ORDINARY)
def test_it_stays_quiet_on_ordinary_sentences(sentence):
    assert checker.check(sentence, PEOPLE) == []


def test_it_counts_findings_by_rule_in_table_order():
    text = "Bob forgot the flag. He forgot again. We should have known. Human error."
    counts = {rule.id: n for rule, n in checker.counts_by_rule(checker.check(text, PEOPLE))}
    assert counts == {"human-error": 1, "should-have": 1, "forgot": 2}


def test_it_highlights_findings_in_the_preview_but_not_in_code_or_tags():
    html = '<p>We should have <a href="/just">rolled back</a>.</p><pre><code>just restart</code></pre>'
    marked = checker.highlight_html(html, PEOPLE)
    assert '<mark class="finding" data-rule="should-have"' in marked
    assert marked.count("<mark") == 1
    assert 'href="/just"' in marked and "<code>just restart</code>" in marked


def test_it_keeps_the_preview_escaped():
    marked = checker.highlight_html("<p>&lt;script&gt; simply works</p>")
    assert "&lt;script&gt;" in marked and "<script>" not in marked
    assert '<mark class="finding" data-rule="minimizer"' in marked
