"""What the Slack app needs from the rest of the assistant, as two small protocols."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from assistant.contract import Answer


@runtime_checkable
class AnswerService(Protocol):
    """`assistant.engine.AnswerEngine` fits as it is.

    `ask` raises ValueError (the engine's QuestionError) with a message for the asker when the question cannot
    be asked as given (empty, too long); any other exception is a fault, logged and apologised for.
    """

    def ask(self, question: str, conversation_id: str | None = None) -> Answer: ...


@runtime_checkable
class FeedbackSink(Protocol):
    """The feedback history (`assistant.history.History` fits as it is).

    The app records every answer it sends (`record_answer`, channel "slack") before posting it, so that a
    👍 / 👎 on it can be stored; `record_feedback` returns False (or None) when it does not know the answer.
    Comments arrive already redacted.
    """

    def record_answer(self, answer: Answer, channel: str) -> None: ...

    def record_feedback(self, answer_id: str, helpful: bool, comment: str | None, channel: str) -> bool | None: ...


class CurrentEngine:
    """An AnswerService that asks whichever engine is serving now (the HTTP service swaps engines when an index
    version is published or rolled back): `CurrentEngine(services.engine)`."""

    def __init__(self, engine: Callable[[], AnswerService]) -> None:
        if not callable(engine):
            raise TypeError(f"engine must be a callable returning the serving engine, got {type(engine).__name__}")
        self._engine = engine

    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        return self._engine().ask(question, conversation_id)
