"""Bounds live in one place: the config params. Out-of-range values get one clear sentence."""

import math

import pytest

from playground import config as cfg
from playground.errors import UserError
from playground.training.config import TrainConfig


@pytest.mark.parametrize("values,message", [
    ({"lr": math.nan}, "finite"), ({"lr": -1.0}, "between"), ({"epochs": 0}, "between"),
    ({"epochs": 2.5}, "whole number"), ({"optimizer": "lbfgs"}, "one of"), ({"batch_size": "many"}, "whole number"),
    ({"epochs": math.inf}, "whole number"), ({"batch_size": [32]}, "whole number"),
    ({"colour": "red"}, "Unknown setting"),
])
def test_bad_values_are_refused(values, message):
    with pytest.raises(UserError, match=message):
        cfg.build(TrainConfig, values)


def test_a_message_quotes_a_huge_value_in_a_few_dozen_characters():
    with pytest.raises(UserError) as caught:
        cfg.build(TrainConfig, {"optimizer": "x" * 100_000})
    assert len(str(caught.value)) < 200 and "xxx…" in str(caught.value)


def test_a_switch_takes_true_or_false_words_and_refuses_anything_else():
    from playground.models.configs import MLPConfig

    switch = next(f for f in cfg.fields(MLPConfig) if type(f.default) is bool)
    assert cfg.check_value(switch, "yes") is True and cfg.check_value(switch, "off") is False
    assert cfg.check_value(switch, True) is True and cfg.check_value(switch, False) is False
    for bad in ("abc", math.nan, [1, 2]):
        with pytest.raises(UserError, match="true or false"):
            cfg.check_value(switch, bad)


@pytest.mark.parametrize("value", [None, math.nan, math.inf, "abc", 2.5, [1], 10**12, -1])
def test_a_seed_is_a_whole_number_in_range(value):
    with pytest.raises(UserError, match="Seed must be"):
        cfg.whole_number(value, "Seed", low=0, high=2**31 - 1)
    assert cfg.whole_number("7", "Seed", low=0, high=9) == 7 and cfg.whole_number(3.0, "Seed", low=0, high=9) == 3


def test_values_are_coerced_from_strings_like_the_cli_sends():
    config = cfg.build(TrainConfig, {"lr": "0.1", "epochs": "3", "optimizer": "sgd"})
    assert (config.lr, config.epochs, config.optimizer) == (0.1, 3, "sgd")


def test_every_field_has_help_and_a_valid_default():
    from playground.models.registry import ARCHITECTURES

    for config_class in [TrainConfig, *(a.config_class for a in ARCHITECTURES.values())]:
        for field in cfg.fields(config_class):
            assert len(field.metadata["help"]) > 15, field.name
        cfg.validate(config_class())
