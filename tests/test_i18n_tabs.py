"""The tabs' run-time words follow the visitor's language: a request that speaks zh-CN gets Chinese status lines,
figures and waiting notes, also from the job's worker thread; English stays the default."""

import pytest

from playground import i18n
from playground.ui import engine, jobs
from tests.slots import one_slot_kind, visitor


@pytest.fixture
def one_slot(monkeypatch):
    """A slot kind of its own: one job runs, one waits."""
    yield from one_slot_kind(monkeypatch, "i18ntest")


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_worker_thread_speaks_the_requests_language(one_slot):
    def work(job):
        return i18n.current(), i18n.t("engine.status.stopped_before_start")

    with i18n.speaking("zh-CN"):
        job = engine.Job(work, kind="unit", slot=one_slot)
        list(engine.follow(visitor("zh"), job, lambda view: {}, pace=0.05))
    assert job.result == ("zh-CN", i18n.catalogue("zh-CN")["engine.status.stopped_before_start"])
    job = engine.Job(work, kind="unit", slot=one_slot)
    list(engine.follow(visitor("en"), job, lambda view: {}, pace=0.05))
    assert job.result[0] == "en"


def test_waiting_and_busy_notes_in_chinese(one_slot):
    gate = jobs.gate(one_slot)
    running = gate.enter()
    waiting = gate.enter()
    with i18n.speaking("zh-CN"):
        note = gate.waiting_note(waiting)
        with pytest.raises(jobs.Busy) as busy:
            gate.enter()
    assert chinese(note) and "1" in note and chinese(str(busy.value))
    assert "Waiting for a free slot: 1 i18ntest jobs running, 0 waiting ahead" in gate.waiting_note(waiting)
    gate.leave(waiting)
    gate.leave(running)


# each tab's main status line, through the served app, for a visitor whose browser speaks Chinese


@pytest.fixture(scope="module")
def zh(app_url):
    from gradio_client import Client

    return Client(app_url, headers={"Accept-Language": "zh-CN,zh;q=0.9"}, verbose=False)


def test_gan_and_vae_status_in_chinese(zh):
    status, _, _, quality, *_ = zh.predict(preset="classic", epochs=1, api_name="/train_gan")
    assert "样本置信度" in status and "1 轮用时" in status, status
    assert i18n.catalogue("zh-CN")["training.done.finished"] in status  # the trainer's own line, from its thread
    assert "评判器对 1,000 个样本的判断" in quality
    status, *_, runs = zh.predict(preset="autoencoder", epochs=1, api_name="/train_vae")
    assert "测试集重建 MSE" in status and "潜在空间 kNN 准确率" in status, status
    assert runs["headers"][:2] == ["数据集", "模型"]


def test_transfer_and_sweep_status_in_chinese(zh):
    status, _, table, _, _ = zh.predict(source="digits_0_4", target="digits_5_9", shots=3, epochs=2,
                                        pretrain_epochs=1, device="cpu", api_name="/transfer")
    assert "从零训练" in status and "主干网络" in status, status
    assert table["headers"] == ["K", "策略", "测试集准确率", "相比从零训练"]
    assert {row[1] for row in table["data"]} <= {"从零训练", "冻结特征 + 新输出头", "完全微调", "微调，主干学得更慢"}
    status, *_ = zh.predict(lr="0.01,0.1", epochs=1, device="cpu", api_name="/sweep")
    assert "最佳：" in status and "测试集准确率" in status, status


def test_text_status_in_chinese(zh, tmp_path):
    from tests.tiny_gpt2 import build_tiny_gpt2

    model = str(build_tiny_gpt2(tmp_path / "tiny-gpt2"))
    status, *_ = zh.predict(model_id=model, prompt="the dog", max_new_tokens=5, greedy=True, api_name="/generate")
    assert "个词元" in status and "随机种子" in status, status
    status, curves, samples, _, menu = zh.predict(steps=4, sample_every=4, api_name="/train_lm")
    assert status.startswith("✅ 训练完成") and "留出集损失" in status, status
    assert {row[2] for row in curves["data"]} == {"训练", "留出集"}  # the legend, with its colours (text_train)
    assert samples.startswith("第 0 步：") and menu["choices"][-1][0].startswith("微型 GPT")


def test_speech_status_in_chinese(zh, tmp_path):
    from gradio_client import handle_file

    from tests.tiny_wav2vec2 import build_tiny_wav2vec2

    model = str(build_tiny_wav2vec2(tmp_path / "tiny-wav2vec2"))
    _, _, _, status, _ = zh.predict(handle_file("assets/speech_example.wav"), model, 0.6, 20, 3,
                                    api_name="/transcribe")
    assert status.startswith("✅") and "实时率" in status, status
    _, _, _, status, _ = zh.predict(None, model, 0.6, 20, 3, api_name="/transcribe")
    assert "还没有音频" in status


def test_my_runs_status_in_chinese(zh):
    _, status, _ = zh.predict(api_name="/my_runs")
    assert "次运行" in status or "还没有运行" in status, status


def test_english_stays_the_default(client):
    _, status, _ = client.predict(api_name="/my_runs")
    assert not chinese(status)


def test_catalogue_words_match_the_library_they_stand_for():
    """Where the UI shows its own words for a library's names (strategies, tasks, the default speech model), the
    English catalogue says what the library says, so the two can't drift apart."""
    from playground.speech.recognize import DEFAULT_MODEL
    from playground.transfer.config import STRATEGIES
    from playground.transfer.tasks import TASKS

    english = i18n.catalogue("en")
    assert {name: english[f"transfer.strategy.{name}.title"] for name in STRATEGIES} == \
        {name: s.title for name, s in STRATEGIES.items()}
    assert all(english[f"transfer.task.{name}"] == task.description for name, task in TASKS.items())
    assert all(f"**{s.title}**: {s.description}" in english["transfer.strategies.text"] for s in STRATEGIES.values())
    assert f"`{DEFAULT_MODEL}`" in english["speech.intro"]


def test_the_system_tables_sections_and_disk_words_in_chinese():
    """report() keeps English section ids (the API's English answer is unchanged); a Chinese visitor reads words."""
    from playground.ui.system_tab import refresh

    english = refresh()
    with i18n.speaking("zh-CN"):
        chinese = refresh()
    assert list(english.iloc[:, 0]) and set(english.iloc[:, 0]) >= {"device", "memory", "library", "disk"}
    sections = set(chinese.iloc[:, 0])
    assert sections >= {"设备", "内存", "库", "磁盘"} and not sections & set(english.iloc[:, 0])
    disk = chinese[chinese.iloc[:, 0] == "磁盘"]
    assert not any(word in " ".join(disk.iloc[:, 1:].astype(str).values.ravel()) for word in ("entries", "total", "of "))
    items = set(chinese.iloc[:, 1])
    assert {"torch 线程数", "CPU 核心数", "本进程常驻内存 MB"} <= items and "torch threads" in set(english.iloc[:, 1])
    limits = chinese[chinese.iloc[:, 0] == "限制"].iloc[:, 1]
    assert "个模型参数 (PLAYGROUND_MAX_PARAMETERS)" in set(limits)  # the catalogue's words, the variable as it is
    assert "model parameters (PLAYGROUND_MAX_PARAMETERS)" in set(english.iloc[:, 1])


def test_bundled_class_names_read_in_chinese_and_uploads_stay_as_written():
    """Legends, confusion matrices and image captions show a bundled dataset's classes in the visitor's words
    (data.class.<dataset>.<name>), so a new bundled dataset can't ship English class names; numbers and an upload's
    own labels stay as written, and English is unchanged."""
    from playground.data.registry import dataset_names, load_dataset

    for name in dataset_names():
        splits = load_dataset(name)
        if splits.task == "regression":
            continue
        with i18n.speaking("zh-CN"):
            words = i18n.class_words(splits.classes, name)
        assert all(original.isdigit() or chinese(word) for original, word in zip(splits.classes, words)), name
        assert i18n.class_words(splits.classes, name) == list(splits.classes)
    with i18n.speaking("zh-CN"):
        assert i18n.class_words(["square"], "waves") == ["方波"] and i18n.class_words(["square"], "shapes") == ["正方形"]
        assert i18n.class_words(["upper", "cat"], "my_upload") == ["upper", "cat"]
        assert i18n.t("training.target.class", name=i18n.class_words(["upper"], "moons")[0]) == "类别 上弯月"
