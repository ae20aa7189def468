"""Self-check cells for the exercises at the end of each notebook.

A student replaces ``...`` with an answer and runs ``self_check``; until then it says the
exercise is open instead of failing, so the notebook still runs top to bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def self_check(answer: Any, passes: Callable[[Any], bool], hint: str) -> bool:
    """``True`` when ``passes(answer)``; an ``AssertionError`` carrying ``hint`` when not.

    ``answer`` left as ``...`` (Ellipsis) or ``None`` means not attempted: prints a note.
    """
    if answer is ... or answer is None:
        print("Not attempted yet: replace the `...` above with your answer and run both cells.")
        return False
    assert passes(answer), f"Not quite. Hint: {hint}"
    print("Correct!")
    return True


def not_written(fn, *args) -> bool:
    """True when ``fn`` is still the notebook's stub (its body ``...`` returns ``None``)."""
    if not callable(fn):
        return False
    try:
        result = fn(*args)
    except Exception:  # a half-written answer: let the real check report it
        return False
    return result is None or result is ...
