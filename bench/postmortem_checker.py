"""How long the blameless checker takes on postmortems of growing size (it runs on every debounced keystroke pause).

`python -m bench postmortem_checker`: check() on the raw Markdown and highlight_html() on the rendered preview.
"""

import os
import time


def _time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()
    from postmortems import checker
    from warroom.markdown import render_markdown

    paragraph = (
        "The deploy of v42 at 14:02 UTC introduced a connection leak. Bob forgot to enable the canary, "
        "and we should have rolled back sooner. The pool had no upper bound; error rate rose just after 14:00.\n\n"
    )
    people = ("alice", "Alice", "Alice Ng", "bob", "Bob", "Bob Ortiz")
    print(f"{'chars':>8} {'findings':>9} {'check ms':>9} {'highlight ms':>13}")
    for copies in (10, 100, 1000):
        text = paragraph * copies
        html = render_markdown(text)
        findings = len(checker.check(text, people))
        check_ms = _time(lambda: checker.check(text, people), 5) * 1000
        mark_ms = _time(lambda: checker.highlight_html(html, people), 5) * 1000
        print(f"{len(text):>8} {findings:>9} {check_ms:>9.2f} {mark_ms:>13.2f}")


if __name__ == "__main__":
    main()
