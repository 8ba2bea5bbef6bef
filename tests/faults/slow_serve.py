"""`lscb serve` whose answers take a while, for the SIGTERM test.

    python tests/faults/slow_serve.py IN_FLIGHT DELAY_S PORT

Each question waits DELAY_S seconds inside the answer engine, after appending a line to IN_FLIGHT, so the test
knows how many requests the server is answering when it sends SIGTERM. Settings come from LSCB_* variables.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        raise SystemExit("usage: slow_serve.py IN_FLIGHT DELAY_S PORT")
    in_flight, delay, port = Path(argv[0]), float(argv[1]), argv[2]
    from assistant.engine import AnswerEngine

    answer = AnswerEngine.ask
    lock = threading.Lock()

    def slow(self: AnswerEngine, question: str, conversation_id: str | None = None):
        with lock, in_flight.open("a") as handle:
            handle.write(question + "\n")
        time.sleep(delay)
        return answer(self, question, conversation_id)

    AnswerEngine.ask = slow  # type: ignore[method-assign]
    from assistant.cli import main as lscb

    lscb(["serve", "--host", "127.0.0.1", "--port", port, "--workers", "1"], prog_name="lscb")


if __name__ == "__main__":
    main(sys.argv[1:])
