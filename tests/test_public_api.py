"""The public API: what the notebooks teach is exported, sorted and documented."""

from __future__ import annotations

import inspect

import contactkit as ck


def test_all_is_sorted_and_exported() -> None:
    assert ck.__all__ == sorted(ck.__all__)
    for name in ck.__all__:
        assert hasattr(ck, name), name


def test_public_callables_have_docstrings() -> None:
    for name in ck.__all__:
        value = getattr(ck, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name} has no docstring"


def test_store_methods_of_the_design_exist() -> None:
    for method in ("add", "get", "update", "delete", "set_favorite", "record_interaction"):
        assert inspect.getdoc(getattr(ck.OrgStore, method)), method
