"""Every config field has its words in the catalogue in both languages, so a new control can't ship untranslated.

The UI's labels and tooltips, the CLI's --help and the refusals all come from a field's key
(`config.<Class>.<field>.label` / `.help`); the English written next to a field in the code is the catalogue's.
"""

import dataclasses
import importlib
from pathlib import Path

import pytest

from playground import config as cfg
from playground import i18n

ROOT = Path(__file__).resolve().parent.parent


def config_classes() -> list[type]:
    """Every dataclass in playground/ with a field declared through `param(...)`."""
    found = []
    for path in sorted((ROOT / "playground").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "param(" not in source or "dataclass" not in source:
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        found += [obj for obj in vars(module).values() if isinstance(obj, type) and dataclasses.is_dataclass(obj)
                  and obj.__module__ == module.__name__ and cfg.fields(obj)]
    return found


CLASSES = config_classes()
FIELDS = [(cls, f) for cls in CLASSES for f in cfg.fields(cls)]


def test_the_scan_finds_the_configs():
    names = {cls.__name__ for cls in CLASSES}
    assert {"TrainConfig", "MLPConfig", "GANConfig", "VAEConfig", "TinyGPTConfig"} <= names
    print(f"\n{len(CLASSES)} config classes, {len(FIELDS)} fields, {2 * len(FIELDS)} keys per language")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_field_has_a_label_and_a_help_in_every_language(lang):
    words = i18n.catalogue(lang)
    missing = [f"{cfg.key_of(f)}{part}" for _, f in FIELDS for part in (".label", ".help")
               if f"{cfg.key_of(f)}{part}" not in words]
    assert missing == [], f"add these keys to playground/i18n/locales/{lang}.json"


def test_keys_name_the_declaring_class():
    for cls, f in FIELDS:
        assert cfg.key_of(f).startswith("config.") and cfg.key_of(f).endswith(f".{f.name}")
    assert cfg.key_of(next(f for f in cfg.fields(CLASSES[0]))).split(".")[1] in {c.__name__ for c in CLASSES}


def test_the_english_in_the_code_is_the_catalogues():
    english = i18n.catalogue("en")
    drifted = [cfg.key_of(f) for _, f in FIELDS
               if f.metadata.get("help") and f.metadata["help"] != english[cfg.key_of(f) + ".help"]
               or f.metadata.get("label") and f.metadata["label"] != english[cfg.key_of(f) + ".label"]]
    assert drifted == [], "the help/label written in the code differs from en.json: change both (and zh-CN.json)"


def test_a_refusal_names_the_field_in_the_language_spoken():
    from playground.errors import UserError
    from playground.training.config import TrainConfig

    with pytest.raises(UserError, match="^Epochs must be between 1 and 500; got 9999."):
        cfg.build(TrainConfig, {"epochs": 9999})
    with i18n.speaking("zh-CN"), pytest.raises(UserError) as refusal:
        cfg.build(TrainConfig, {"epochs": 9999})
    assert str(refusal.value) == "轮数必须在 1 到 500 之间；收到的是 9999。"
    with i18n.speaking("zh-CN"), pytest.raises(UserError, match="学习率必须是一个数"):
        cfg.build(TrainConfig, {"lr": "fast"})


def test_cli_help_speaks_the_language_asked():
    import argparse

    from playground.training.config import TrainConfig

    for lang, expected in (("en", "Passes over the training data."), ("zh-CN", "遍历训练数据的轮数。")):
        with i18n.speaking(lang):
            parser = argparse.ArgumentParser()
            cfg.add_arguments(parser, TrainConfig)
        assert expected in next(a.help for a in parser._actions if a.dest == "epochs")


def test_every_bundled_dataset_and_architecture_has_its_words():
    from playground.data import DATASETS
    from playground.models.registry import ARCHITECTURES

    keys = [f"dataset.{name}.description" for name in DATASETS] + \
           [f"model.{name}.{part}" for name in ARCHITECTURES for part in ("title", "settings", "description")]
    for lang in i18n.LANGUAGES:
        assert [k for k in keys if k not in i18n.catalogue(lang)] == [], f"add these keys to {lang}.json"
