"""What an action says when it refuses: views show the message next to the field, the API answers JSON."""


class ActionError(Exception):
    """Input an action refuses; `field` names the form field it belongs to, when there is one."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ActionConflict(ActionError):
    """The request is well-formed but clashes with the incident's current state."""

    status_code = 409


class NotAllowed(ActionError):
    """The caller may use the room but not this control (e.g. approving without holding IC or Comms Lead)."""

    status_code = 403
