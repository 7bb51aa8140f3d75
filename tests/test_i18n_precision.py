"""Words made on the server outside the UI modules, in the visitor's language: why `auto` picked a number format
(the Text and Speech tabs' status lines, the System tab), a smart sweep's title (the Sweep tab's status line) and
the names on its importance chart. English stays what it was; JSON keeps the English label."""

import re

from playground import i18n
from playground.precision import PRECISIONS, SPEECH, TEXT, auto_summary, resolve, training_choice

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORDS = re.compile(r"\b(?:auto|on|cpus?|with|no|native|decodes|fastest|dynamic|linear|layers|Text|Speech)\b")


def cpuinfo(tmp_path, flags: str):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 {flags}\n")
    return path


def test_why_auto_picked_a_format_is_said_in_chinese(tmp_path):
    cases = [(TEXT, "avx512_vnni"), (TEXT, ""), (SPEECH, "avx512_bf16"), (SPEECH, "")]
    for workload, flags in cases:
        choice = resolve("auto", "cpu", workload=workload, cpuinfo=cpuinfo(tmp_path, flags))
        english = choice.describe()
        with i18n.speaking("zh-CN"):
            chinese = choice.describe()
        assert english.startswith(f"{choice.precision.label} (auto: "), english
        assert CHINESE.search(chinese) and "自动" in chinese, chinese
        assert not ENGLISH_WORDS.search(chinese.replace(flags, "")), chinese  # the CPU flag keeps its own name
        if flags:
            assert flags in english and flags in chinese


def test_the_words_follow_the_request_not_the_moment_the_choice_was_made(tmp_path):
    """A loaded model keeps its Choice; each visitor reads its reason in their own language."""
    with i18n.speaking("zh-CN"):
        choice = resolve("auto", "cpu", workload=TEXT, cpuinfo=cpuinfo(tmp_path, "avx512_vnni"))
    assert choice.describe() == ("int8 (dynamic, linear layers) (auto: int8 decodes fastest on cpus with "
                                 "avx512_vnni)")
    assert PRECISIONS["int8"].label == "int8 (dynamic, linear layers)"  # what JSON and the run store keep


def test_a_chosen_format_and_the_training_reason_in_chinese():
    import torch

    mlp = torch.nn.Sequential(torch.nn.Linear(2, 2))
    with i18n.speaking("zh-CN"):
        assert resolve("int8", "cpu").describe() == "int8（动态量化，线性层）"
        assert resolve("float32", "cpu").describe() == "float32"
        assert training_choice("auto", mlp, torch.device("cpu")).describe() == "float32（自动：不是卷积神经网络）"
    assert training_choice("auto", mlp, torch.device("cpu")).describe() == "float32 (auto: not a convolutional net)"


def test_the_system_tabs_summary_in_chinese():
    with i18n.speaking("zh-CN"):
        summary = auto_summary()
    assert summary.startswith("文本：") and "；语音：" in summary, summary
    assert auto_summary().startswith("Text: ") and "; Speech: " in auto_summary()


def test_a_smart_sweeps_title_in_chinese():
    from playground.sweep.smart import SmartSweep

    sweep = SmartSweep(dict(model="mlp", dataset="spiral", device="cpu", lr="0.0003,0.3", max_runs=4),
                       {"pruner": "median"})
    assert sweep.title == "smart search (median pruner), up to 4 runs of **mlp** on **spiral**"
    with i18n.speaking("zh-CN"):
        title = sweep.title
    assert title == i18n.t("sweep.title.smart", lang="zh-CN", pruner="median", runs=4, model="mlp",
                           dataset="spiral")
    assert "智能搜索" in title and "search" not in title


def test_the_importance_charts_settings_in_chinese():
    from playground.sweep.importance import importance_figure

    found = {"lr": 0.6, "batch_size": 0.3, "hidden_size": 0.1}
    with i18n.speaking("zh-CN"):
        figure = importance_figure(found)
    assert list(figure.data[0].y) == ["隐藏层大小", "批大小", "学习率"]
    assert list(importance_figure(found).data[0].y) == ["hidden size", "batch size", "learning rate"]
