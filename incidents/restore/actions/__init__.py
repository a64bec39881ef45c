"""Actions of the restore stage: impact and severity, timestamps, theories (impact.py) and decisions."""

from .decisions import decide, prefill_decision, propose_decision, record_outcome, withdraw_decision
from .impact import add_theory, assess_impact, confirm_severity, edit_timestamps, require_commander, set_theory_state

__all__ = [
    "add_theory",
    "assess_impact",
    "confirm_severity",
    "decide",
    "edit_timestamps",
    "prefill_decision",
    "propose_decision",
    "record_outcome",
    "require_commander",
    "set_theory_state",
    "withdraw_decision",
]
