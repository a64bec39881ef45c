"""The blameless-language checker: it explains, it never blocks.

Every rule is one row of RULES: what to look for, why it matters and how to rewrite it. The editor
runs the checker as the author types, lists the findings counted by rule, and highlights them in the
preview; saving never depends on it. Patterns are narrow on purpose: a checker that cries wolf at
ordinary sentences gets ignored.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass

# A person as the subject: pronouns and role words. Names of the people involved are added per call.
PERSON_WORDS = r"he|she|someone|somebody|the (?:engineer|developer|operator|on-?call(?: engineer)?|admin|sre)"
CAUSE_VERBS = (
    r"caused|broke|triggered|introduced|deleted|dropped|pushed|ignored|missed|messed up|screwed up|made a mistake"
)


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    pattern: str  # `{person}` is replaced by the alternation of person words and names
    message: str
    suggestion: str


RULES: tuple[Rule, ...] = (
    Rule(
        "human-error",
        "“Human error”",
        r"\b(?:human|operator|user|engineer|pilot)[ -]error\b",
        "“Human error” ends the inquiry where it should begin: people acted sensibly given what the system showed them.",
        "Describe what made the action reasonable at the time: "
        "“the runbook step ran against production because the prompt did not show the environment”.",
    ),
    Rule(
        "person-as-cause",
        "A person as the cause",
        r"\b(?:{person})\s+(?:" + CAUSE_VERBS + r")\b",
        "Naming a person as the cause invites blame and hides the conditions that allowed the change to cause harm.",
        "Make the system the subject: “the deploy of v42 introduced …”, “the migration dropped …”.",
    ),
    Rule(
        "should-have",
        "“Should/could have”",
        r"\b(?:should|could|ought to)(?:n['’]t| not)?\s+have\b",
        "“Should have” judges with hindsight what nobody could see at the time.",
        "Say what happened and what would help next time: “the checklist did not include …; adding it would catch …”.",
    ),
    Rule(
        "failed-to",
        "“Failed to”",
        r"\bfail(?:ed|s)? to\b",
        "“Failed to” frames the event as someone's shortcoming rather than a gap in the system.",
        "State what did or did not happen: “the alert did not fire because …”, “the step was not part of the runbook”.",
    ),
    Rule(
        "forgot",
        "“Forgot”",
        r"\bforg(?:ot|otten|et|ets|etting)\b",
        "Forgetting is normal; a process that depends on memory is the finding.",
        "Name the missing reminder or automation: “nothing prompted the config reload after the change”.",
    ),
    Rule(
        "careless",
        "Judgement of a person",
        r"\b(?:careless(?:ly|ness)?|negligen(?:t|ce|tly)|sloppy|reckless(?:ly)?|lazy|incompeten(?:t|ce)|stupid|dumb)\b",
        "Words that judge character make people defensive and stop them sharing what they saw.",
        "Describe the action and its context without the adjective: “the change was merged without a second review because …”.",
    ),
    Rule(
        "counterfactual",
        "Counterfactual",
        r"\bif\b[^.?!\n]{1,120}?\bhad(?:n['’]t| not)?\b[^.?!\n]{0,120}?\bwould(?:n['’]t| not)?(?: have)?\b",
        "Counterfactuals describe a world that did not happen; the review is about the one that did.",
        "Say what happened and what will change: “the canary stage was skipped; the action item makes it mandatory”.",
    ),
    Rule(
        "why-did-person",
        "“Why did <person>”",
        r"\bwhy did (?:{person}|you|they)\b",
        "“Why did <person>” asks for a justification; “what” and “how” questions surface the conditions.",
        "Ask “what made this look like the right step?” or “how did the system present the choice?”.",
    ),
    Rule(
        "minimizer",
        "“Simply/just/obviously”",
        r"\b(?:simply|obviously|clearly|trivially|of course|just(?! (?:before|after|as|in time|now|under|over|below|above|enough)\b))\b",
        "Minimizers make a hard thing sound easy, and whoever struggled with it sound slow.",
        "Drop the word, or say what made the step hard to see at the time.",
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class Finding:
    rule: str
    excerpt: str
    message: str
    suggestion: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {"rule": self.rule, "excerpt": self.excerpt, "message": self.message, "suggestion": self.suggestion}


def _compiled(people: tuple[str, ...]) -> list[tuple[Rule, re.Pattern]]:
    names = "|".join(re.escape(p) for p in sorted({p for p in people if len(p) >= 2}, key=len, reverse=True))
    person = PERSON_WORDS + (f"|{names}" if names else "")
    return [(rule, re.compile(rule.pattern.replace("{person}", person), re.IGNORECASE)) for rule in RULES]


def check(text: str, people: tuple[str, ...] | list[str] = ()) -> list[Finding]:
    """Every finding in the text, in reading order. `people`: names of those involved (users, first names)."""
    found = []
    for rule, pattern in _compiled(tuple(people)):
        for match in pattern.finditer(text or ""):
            found.append(Finding(rule.id, match.group(0), rule.message, rule.suggestion, match.start(), match.end()))
    return sorted(found, key=lambda f: (f.start, f.rule))


def counts_by_rule(findings: list[Finding]) -> list[tuple[Rule, int]]:
    """(rule, count) for the rules that fired, in table order: the editor's summary."""
    counts = Counter(f.rule for f in findings)
    return [(rule, counts[rule.id]) for rule in RULES if counts[rule.id]]


_TAG = re.compile(r"(<[^>]+>)")


def highlight_html(rendered: str, people: tuple[str, ...] | list[str] = ()) -> str:
    """Wrap findings in the sanitized HTML's text (never inside tags or code) with <mark>; the preview's highlights."""
    compiled = _compiled(tuple(people))
    parts = _TAG.split(rendered)
    in_code = 0
    out = []
    for part in parts:
        if part.startswith("<"):
            name = part.strip("</ >").split()[0].lower() if part.strip("</ >") else ""
            if name in ("code", "pre"):
                in_code += -1 if part.startswith("</") else 1
            out.append(part)
        elif in_code or not part.strip():
            out.append(part)
        else:
            out.append(_mark_text(part, compiled))
    return "".join(out)


def _mark_text(escaped: str, compiled) -> str:
    # Work on the plain text so patterns see apostrophes, then escape every piece again.
    text = html.unescape(escaped)
    spans = []
    for rule, pattern in compiled:
        spans += [(m.start(), m.end(), rule) for m in pattern.finditer(text)]
    spans.sort(key=lambda s: (s[0], -s[1]))
    out, pos = [], 0
    for start, end, rule in spans:
        if start < pos:
            continue  # overlapping findings: the first one is enough to draw the eye
        out.append(html.escape(text[pos:start], quote=False))
        out.append(
            f'<mark class="finding" data-rule="{rule.id}" title="{html.escape(rule.label)}: {html.escape(rule.message)}">'
        )
        out.append(html.escape(text[start:end], quote=False) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)
