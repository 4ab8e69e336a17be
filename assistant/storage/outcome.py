"""What went wrong with storage while one message was handled, for the edge to tell the resident.

The edge calls :func:`begin` when a message arrives; Rasa awaits the tracker store in the same
task, so the store's :func:`record_failure` calls land in that message's :class:`Outcome`. After
Rasa has answered, ``Outcome.failed`` says whether the message was saved.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field

SAVE = "save"
RETRIEVE = "retrieve"

_current: ContextVar["Outcome | None"] = ContextVar("storage_outcome", default=None)


@dataclass
class Outcome:
    """The storage failures of one message.

    Attributes:
        failures: The operations that failed, in order (``"retrieve"``, ``"save"``, ...).
    """

    failures: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether the message could not be saved.

        A failed read alone does not count: the message may still be saved (the store then
        refuses to save a conversation it could not read, and records that as a failed save).
        """
        return SAVE in self.failures


def begin() -> Outcome:
    """Start a fresh record for the message being handled in the current task."""
    outcome = Outcome()
    _current.set(outcome)
    return outcome


def current() -> Outcome | None:
    """The current message's record, or None when none was begun."""
    return _current.get()


def record_failure(operation: str) -> None:
    """Note that ``operation`` failed for the current message; nothing when none was begun."""
    outcome = _current.get()
    if outcome is not None:
        outcome.failures.append(operation)
