"""A refusal from each area of the library speaks the visitor's language: today's English by default, Chinese
under `i18n.speaking("zh-CN")` (what the app sets per request); and one through the served app, in the language
of the caller's Accept-Language header."""

import re

import pytest

from playground import i18n, limits
from playground.errors import UserError


@pytest.fixture
def enforced_limits():
    before = limits.enforced()  # the served app in this process enforces them: put back what was there
    limits.enforce(True)
    yield
    limits.enforce(before)


def _zip(tmp_path):
    from playground.data.uploads import ZipUpload

    fake = tmp_path / "photos.zip"
    fake.write_bytes(b"not a zip at all")
    return ZipUpload(fake)


def _store_problem(_):
    from playground.store import db

    store = db.Store("sqlite:///runs.db", problem=("errors.store.cannot_open",
                                                   {"url": "sqlite:///runs.db", "reason": "file is not a database"}))
    raise UserError(store.problem)


def _call(module, name, *args, **kwargs):
    def call(_):
        import importlib

        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    return call


# (area, how to provoke it, today's English, words the Chinese must hold)
CASES = [
    ("limits", _call("playground.limits", "check", "epochs", 1000),
     "This app allows at most 200 epochs per job (you asked for 1,000); the host can raise it with "
     "PLAYGROUND_MAX_EPOCHS.", "本应用每个任务最多允许 200 轮训练（你请求了 1,000）"),
    ("upload guard", _call("playground.guards", "check_upload", None, "nouns.audio_file"),
     "Choose the audio file to upload first.", "请先选择要上传的音频文件。"),
    ("zip upload", _zip, "'photos.zip' is not a valid zip file.", "“photos.zip”不是有效的 zip 文件。"),
    ("image folders", _call("playground.data.image_folders", "checked_size", "huge"),
     "Image size must be a number of pixels between 8 and 128.", "图像尺寸必须是 8 到 128 之间的像素数。"),
    ("datasets", _call("playground.data.registry", "get_dataset", "nosuch"),
     "Unknown dataset 'nosuch': choose one of classification, moons", "未知的数据集 'nosuch'：请从 classification"),
    ("models", _call("playground.models.registry", "get_architecture", "resnet"),
     "Unknown model 'resnet': choose one of mlp", "未知的模型“resnet”：请从 mlp"),
    ("device", _call("playground.device", "pick_device", "tpu"),
     "Unknown device 'tpu': choose one of auto, cpu, cuda, mps.", "未知的设备“tpu”：请从 auto, cpu, cuda, mps 中选择。"),
    ("precision", _call("playground.precision", "resolve", "float8", "cpu"),
     "Unknown precision 'float8': choose one of auto, float32, bfloat16, int8.", "未知的精度“float8”"),
    ("text generation", _call("playground.text.generate", "check_prompt", "  "),
     "Write a prompt first: the model continues the text you give it.", "请先写一段提示词：模型会接着你给的文本往下写。"),
    ("tiny GPT corpus", _call("playground.text.corpus", "check_corpus", "too short"),
     "The training text is 9 characters: give at least", "训练文本只有 9 个字符：请至少提供"),
    ("model hub", _call("playground.hub", "checked_id", ""),
     "Give a model id (like 'gpt2') or the path of a local model folder.", "请给出模型 ID（例如“gpt2”）或本地模型文件夹的路径。"),
    ("speech", _call("playground.speech.audio", "load_audio", None),
     "No audio yet: record with the microphone or upload a WAV, FLAC, OGG (Vorbis or Opus) or MP3 file first.",
     "还没有音频：请先用麦克风录音，或上传WAV、FLAC、OGG（Vorbis 或 Opus）或 MP3 文件。"),
    ("transfer", _call("playground.transfer.config", "parse_shots", "1,x"),
     "Shots must be whole numbers separated by commas, like '1,5,20'; got '1,x'.", "样本数必须是用逗号分隔的整数"),
    ("sweep study", _call("playground.sweep.study", "open_storage", "ftp://example.org/study"),
     "'ftp://example.org/study' is not a study storage: give a SQLite file (sqlite:///sweep.db) or a PostgreSQL",
     "“ftp://example.org/study”不是研究存储"),
    ("run store", _store_problem,
     "The run store at sqlite:///runs.db can't be opened (file is not a database); training works, but runs are "
     "not being saved.", "无法打开 sqlite:///runs.db 处的运行记录库（file is not a database）"),
]


def refusal(provoke, tmp_path) -> str:
    with pytest.raises(UserError) as refused:
        provoke(tmp_path)
    return str(refused.value)


@pytest.mark.parametrize("area, provoke, english, chinese", CASES, ids=[case[0] for case in CASES])
def test_a_refusal_of_each_area_in_both_languages(area, provoke, english, chinese, tmp_path, enforced_limits):
    assert refusal(provoke, tmp_path).startswith(english)  # English, as today, when no language is asked for
    with i18n.speaking("zh-CN"):
        spoken = refusal(provoke, tmp_path)
    assert chinese in spoken
    assert spoken.endswith("。")  # one sentence, with Chinese punctuation
    assert i18n.current() == "en"


def test_gradios_own_input_checks_name_the_control_in_the_visitors_words():
    import gradio as gr

    from playground.ui.guarded_blocks import input_refusal

    seed = gr.Number(label="Seed", precision=0, minimum=0, maximum=2147483647)
    assert input_refusal(seed, "abc", ValueError()) == "Seed: expected a whole number from 0 to 2147483647, got 'abc'."
    epochs = gr.Slider(1, 500, label=i18n.ui("app.title"))  # any catalogue key stands for a translated label
    with i18n.speaking("zh-CN"):
        assert input_refusal(seed, "abc", ValueError()) == "Seed：应为 0 到 2147483647 之间的整数，收到的是 'abc'。"
        said = input_refusal(epochs, float("nan"), ValueError())
    assert said == f"{i18n.t('app.title', lang='zh-CN')}：应为 1 到 500 之间的数字，收到的是 nan。"


def _english_words(text: str) -> list[str]:
    """Runs of three English words: what a Chinese sentence must not hold (names and numbers are fine)."""
    return re.findall(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", text)


def test_the_app_refuses_in_the_callers_language(app_url):
    from gradio_client import Client

    answers = {}
    for header in ("zh-CN,zh;q=0.9", "en-US,en;q=0.9"):
        client = Client(app_url, headers={"Accept-Language": header}, verbose=False)
        answers[header] = str(client.predict(prompt="   ", api_name="/generate"))  # the tab's status line says it
    assert "请先写一段提示词：模型会接着你给的文本往下写。" in answers["zh-CN,zh;q=0.9"]
    assert "Write a prompt first: the model continues the text you give it." in answers["en-US,en;q=0.9"]
    assert _english_words(answers["zh-CN,zh;q=0.9"].split("请先")[1]) == []


def test_no_upload_sentence_puts_a_before_a_noun_that_needs_an():
    """The upload sentences take a noun from the catalogue (nouns.*): "a audio file" was what "a {what}" made."""
    english = i18n.catalogue("en")
    nouns = [english[key] for key in english if key.startswith("nouns.")]
    sentences = [key for key, text in english.items() if key.startswith("errors.upload.") and "{what}" in text]
    assert "errors.upload.choose_first" in sentences
    for key in sentences:
        fields = {name: "x" for name in i18n.placeholders(english[key])}
        # "not a {what}" is said only of the zip and CSV files (data/uploads.py: the uploads with suffixes)
        for noun in nouns if key != "errors.upload.wrong_kind" else [english["nouns.zip_file"],
                                                                       english["nouns.csv_file"]]:
            said = english[key].replace("{what}", noun).format(**{**fields, "mb": 1, "most": 1})
            assert not re.search(r"\b[Aa] [aeiouAEIOU]", said), said
