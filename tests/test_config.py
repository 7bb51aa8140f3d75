"""Bounds live in one place: the config params. Out-of-range values get one clear sentence."""

import math

import pytest

from playground import config as cfg
from playground.errors import UserError
from playground.training.config import TrainConfig


@pytest.mark.parametrize("values,message", [
    ({"lr": math.nan}, "finite"), ({"lr": -1.0}, "between"), ({"epochs": 0}, "between"),
    ({"epochs": 2.5}, "int"), ({"optimizer": "lbfgs"}, "one of"), ({"batch_size": "many"}, "int"),
    ({"colour": "red"}, "Unknown setting"),
])
def test_bad_values_are_refused(values, message):
    with pytest.raises(UserError, match=message):
        cfg.build(TrainConfig, values)


def test_values_are_coerced_from_strings_like_the_cli_sends():
    config = cfg.build(TrainConfig, {"lr": "0.1", "epochs": "3", "optimizer": "sgd"})
    assert (config.lr, config.epochs, config.optimizer) == (0.1, 3, "sgd")


def test_every_field_has_help_and_a_valid_default():
    from playground.models.registry import ARCHITECTURES

    for config_class in [TrainConfig, *(a.config_class for a in ARCHITECTURES.values())]:
        for field in cfg.fields(config_class):
            assert len(field.metadata["help"]) > 15, field.name
        cfg.validate(config_class())
