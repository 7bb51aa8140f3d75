"""The CLI speaks --lang (or the shell's LANG) in what a person reads; --json is the same in every language."""

import json
import re

import pytest

from playground import i18n
from playground.cli import language, main

TRAIN = ["train", "--model", "mlp", "--dataset", "moons", "--epochs", "3"]


@pytest.fixture(autouse=True)
def english_shell(monkeypatch):
    """Each test starts from a shell with no Chinese locale, whatever the machine running the tests has."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def test_a_refusal_in_chinese_with_lang_zh_and_in_english_by_default(capsys):
    assert main(["--lang", "zh", "train", "--model", "mlp", "--dataset", "nosuch"]) == 2
    chinese = capsys.readouterr().err.strip()
    assert chinese.startswith("错误：未知的数据集 'nosuch'：请从 ") and chinese.endswith("中选择。")
    assert main(["train", "--model", "mlp", "--dataset", "nosuch"]) == 2
    english = capsys.readouterr().err.strip()
    assert english.startswith("error: Unknown dataset 'nosuch': choose one of classification, moons")
    assert i18n.current() == "en"  # the CLI's language ends with the command


def test_lang_after_the_subcommand_and_the_shells_lang(monkeypatch, capsys):
    assert main(["train", "--model", "mlp", "--dataset", "nosuch", "--lang", "zh"]) == 2
    assert capsys.readouterr().err.startswith("错误：未知的数据集")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["train", "--model", "mlp", "--dataset", "nosuch"]) == 2
    assert capsys.readouterr().err.startswith("错误：未知的数据集")
    assert main(["train", "--model", "mlp", "--dataset", "nosuch", "--lang", "en"]) == 2  # --lang wins
    assert capsys.readouterr().err.startswith("error: Unknown dataset")
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--model", "mlp", "--dataset", "moons", "--bogus"])
    assert exit_.value.code == 2 and capsys.readouterr().err.startswith("错误：无法识别的参数：--bogus（见 --help）")


@pytest.mark.parametrize("argv, environ, expected", [
    (["--lang", "zh"], {}, "zh-CN"), (["x", "--lang=zh-TW"], {}, "zh-CN"), (["--lang", "en"], {"LANG": "zh_CN"}, "en"),
    ([], {"LANG": "zh_CN.UTF-8"}, "zh-CN"), ([], {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ([], {"LC_MESSAGES": "zh_CN.UTF-8"}, "zh-CN"), ([], {}, "en"), (["--lang"], {}, "en")])
def test_language_of_a_command_line(monkeypatch, argv, environ, expected):
    monkeypatch.delenv("LANG")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert language(argv) == expected


def test_a_training_summary_in_chinese(capsys):
    assert main([*TRAIN, "--lang", "zh"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("MLP，数据集 moons：") and "个参数，设备 cpu" in out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("训练完成。测试准确率 ") and "，共 3 轮，用时 " in summary and summary.endswith("设备 cpu")
    accuracy = float(re.search(r"测试准确率 ([0-9.]+)", summary).group(1))
    assert accuracy > 0.8  # a real run: moons is learnt in three epochs, on held-out data
    assert "第 3/3 轮 损失 " in err and "验证准确率 " in err
    assert not re.search(r"\b(epoch|loss|test accuracy)\b", out + err)  # nothing left in English


def without_timings(line: str):
    """A --json line with its wall-clock numbers left out (they differ between any two runs)."""
    return {k: v for k, v in json.loads(line).items() if "seconds" not in k and "time" not in k}


def test_json_is_the_same_in_every_language(capsys):
    outputs = {}
    for lang in ("en", "zh"):
        assert main([*TRAIN, "--json", "--lang", lang]) == 0
        out, err = capsys.readouterr()
        assert err == ""
        outputs[lang] = [without_timings(line) for line in out.strip().splitlines()]
    assert outputs["en"] == outputs["zh"]
    assert outputs["en"][-1]["message"] == "Training finished." and outputs["en"][-1]["test_accuracy"] > 0.8
    assert main(["--lang", "zh", "datasets", "--json"]) == 0
    chinese = capsys.readouterr().out
    assert main(["datasets", "--json"]) == 0
    assert capsys.readouterr().out == chinese and '"name": "moons"' in chinese


def test_argparses_own_words_in_chinese_and_in_english(monkeypatch, capsys):
    """usage:, options, -h's line and argparse's refusals: its gettext messages, from our catalogue."""
    import argparse

    own = argparse._
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "zh", "train", "-h"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert out.startswith("用法：python -m playground train [-h] --model MODEL")
    assert "\n选项：\n" in out or "\n选项:\n" in out
    assert "-h, --help            显示此帮助信息并退出" in out
    assert not re.search(r"usage:|show this help|^options:", out, re.M)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    for argv, said in ((["train"], "错误：缺少以下必需参数：--model（见 --help）"),
                       (["train", "--model", "mlp", "--epochs"], "错误：参数 --epochs：需要一个值（见 --help）"),
                       (["bogus"], "错误：参数 command：无效的选择：'bogus'（请从 'datasets', 'train', ")):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2 and capsys.readouterr().err.startswith(said), argv
    monkeypatch.setenv("LANG", "C.UTF-8")
    with pytest.raises(SystemExit):
        main(["train"])
    assert capsys.readouterr().err == "error: the following arguments are required: --model (see --help)\n"
    with pytest.raises(SystemExit):
        main(["train", "-h"])
    assert capsys.readouterr().out.startswith("usage: python -m playground train")
    assert argparse._ is own  # argparse is itself again after the command (pytest's own parser uses it)


@pytest.mark.parametrize("command", ["datasets", "train", "export", "transcribe", "generate", "train-lm", "transfer",
                                     "sweep"])
def test_every_commands_help_is_chinese(command, capsys):
    """-h of each command: its description, each flag's line and each group's title come from the catalogue."""
    with pytest.raises(SystemExit):
        main(["--lang", "zh", command, "-h"])
    out = capsys.readouterr().out
    body = out.split("\n\n", 1)[1]  # after the usage block (flag names and metavars are the same in any language)
    english = re.findall(r"\b[A-Za-z][a-z]+ [a-z]+ [a-z]{3,}\b", body)
    assert english == [], english
    assert "选项" in body and "显示此帮助信息并退出" in body
