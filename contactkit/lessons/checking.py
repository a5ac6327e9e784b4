"""What every exercise checker shares: the verdicts, the placeholder, calling the learner's code.

A checker calls the learner's function through :func:`call` (which turns the committed
placeholder into :class:`Placeholder`) and states what must hold with :func:`require`, whose
message says, in a learner's words, what is wrong; :func:`run` turns the placeholder into a
``Not done yet: ...`` verdict. The checkers are in :mod:`contactkit.lessons.exercises`,
:mod:`contactkit.lessons.reading_exercises` and :mod:`contactkit.lessons.capstone`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..table import Table

PLACEHOLDER = 'raise NotImplementedError("your code here")'


class ExerciseNotDone(AssertionError):
    """The learner's answer is not right yet; the message says what is wrong."""


class Placeholder(Exception):
    """The learner's function is still the committed placeholder."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: its id (``NN-exK``), the function the learner writes, and its checker."""

    id: str
    function: str
    task: str
    checker: Callable[[Callable[..., Any], Table | None], str]


def fail(message: str) -> None:
    raise ExerciseNotDone(message)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ExerciseNotDone(message)


def call(answer: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The learner's function called; its placeholder turned into :class:`Placeholder`."""
    if not callable(answer):
        fail(f"pass the function you wrote, not {answer!r}")
    try:
        return answer(*args, **kwargs)
    except NotImplementedError as exc:
        raise Placeholder(getattr(answer, "__name__", "your function")) from exc


def need_table(table: Table | None) -> Table:
    """The table a check works in; a check cell that passed none is told to."""
    if table is None:
        raise ExerciseNotDone("this check needs a table: pass setup.table")
    return table


def query_all(table: Table, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a raw Query, page after page: a check reads what the learner's code wrote."""
    request = dict(request, TableName=table.name)
    found: list[dict[str, Any]] = []
    while True:
        page = table.client.query(**request)
        found.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(exercise: Exercise, answer: Callable[..., Any], table: Table | None = None) -> str:
    """``exercise``'s checker on ``answer``: ``Done: ...``, ``Not done yet: ...``, or raises."""
    try:
        return exercise.checker(answer, table)
    except Placeholder as placeholder:
        return (
            f"Not done yet: {placeholder} still raises NotImplementedError. Write its body in "
            "the cell above (replace the raise), run that cell, then this one."
        )
