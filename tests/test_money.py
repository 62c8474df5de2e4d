"""Amounts of money print with the user's currency symbol."""

from __future__ import annotations

import pytest

from experiments.reporting.money import currency_symbol, money


def test_money_uses_thousands_separators_and_puts_the_sign_before_the_symbol() -> None:
    assert money(1250.4, "$") == "$1,250"
    assert money(-40.0, "€") == "-€40"
    assert money(None) == "n/a"
    assert money(float("nan")) == "n/a"


def test_currency_symbol_comes_from_the_argument_then_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLSIM_CURRENCY", "¥")
    assert currency_symbol() == "¥"
    assert currency_symbol("£") == "£"
    monkeypatch.setenv("PLSIM_CURRENCY", " ")
    assert currency_symbol() == "$"
