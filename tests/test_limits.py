"""Host limits: defaults, environment overrides, and the one sentence a visitor sees."""

import pytest

from playground import limits
from playground.errors import UserError


def test_defaults_suit_a_free_cpu_space():
    assert limits.limit("epochs") == 200 and limits.limit("new_tokens") == 256
    assert {row[0] for row in limits.table()} == {l.env for l in limits.LIMITS.values()}


def test_reaching_a_limit_says_which_and_how_to_raise_it(monkeypatch):
    monkeypatch.setattr(limits, "_enforced", True)
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "10")
    limits.check("epochs", 10)
    with pytest.raises(UserError, match="at most 10 epochs.*PLAYGROUND_MAX_EPOCHS"):
        limits.check("epochs", 11)


def test_the_owner_on_the_cli_is_not_limited(monkeypatch):
    monkeypatch.setattr(limits, "_enforced", False)
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "10")
    limits.check("epochs", 11)


def test_a_malformed_setting_falls_back_to_the_default(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_NEW_TOKENS", "lots")
    assert limits.limit("new_tokens") == 256
