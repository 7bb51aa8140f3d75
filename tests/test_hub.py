"""Model access for web visitors: the allow-list, the models folder, no path traversal; the bounded cache."""

import pytest

from playground import hub
from playground.errors import UserError
from playground.outputs import new_run_dir


@pytest.fixture
def restricted(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MODELS_DIR", str(tmp_path / "models"))
    (tmp_path / "models" / "mine").mkdir(parents=True)
    monkeypatch.setattr(hub, "_restricted", True)  # as app.py does
    return tmp_path


@pytest.mark.parametrize("model_id", ["evil/backdoor-model", "/etc", "../../etc/passwd", "~/.ssh",
                                      "models/../../etc", "gpt2/../../etc"])
def test_visitors_cannot_load_what_the_host_did_not_allow(restricted, model_id):
    loads = []
    with pytest.raises(UserError, match="allow-list"):
        hub.load_cached("test", model_id, loads.append)
    assert loads == []  # refused before anything was read


def test_visitors_can_load_allowed_ids_and_folders_under_models_and_outputs(restricted):
    for model_id in ["gpt2", str(restricted / "models" / "mine"), str(new_run_dir("tiny-gpt"))]:
        assert hub.load_cached("test-allowed", model_id, lambda name: f"loaded {name}") == f"loaded {model_id}"


def test_host_can_change_the_allow_list(restricted, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ALLOWED_MODELS", "my-org/my-model")
    assert hub.load_cached("test-host", "my-org/my-model", lambda name: 1) == 1
    with pytest.raises(UserError, match="allow-list"):
        hub.load_cached("test-host", "gpt2", lambda name: 1)


def test_owner_on_the_cli_is_not_restricted():
    assert hub.load_cached("test-owner", "anyone/any-model", lambda name: "ok") == "ok"


def test_cache_is_bounded_and_loads_once(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_CACHED_MODELS", "2")
    hub.clear_cache()
    calls = []
    load = lambda name: calls.append(name) or name  # noqa: E731
    for name in ["a", "b", "a", "c", "a"]:
        hub.load_cached("bounded", name, load)
    assert calls == ["a", "b", "c"]  # "a" stayed cached as the most recently used
    assert len(hub.cached_models()) == 2


def test_missing_models_get_one_sentence(tmp_path):
    def missing(name):
        raise OSError("We couldn't connect to 'https://huggingface.co'")

    with pytest.raises(UserError, match="Could not load the model 'nobody/nothing'.*HF_HOME"):
        hub.load_cached("missing", "nobody/nothing", missing)
    with pytest.raises(UserError, match="is not a model"):
        hub.load_cached("missing", str(tmp_path), missing)


@pytest.mark.parametrize("model_id,sentence", [
    (7, "model id is text"), (["gpt2"], "model id is text"), ("gpt2\x00/etc", "control characters"),
    ("a" * 100_000, "over 512 characters"), ("   ", "Give a model id"),
])
def test_a_model_id_that_is_not_text_gets_one_short_sentence(model_id, sentence):
    loads = []
    with pytest.raises(UserError, match=sentence) as caught:
        hub.load_cached("test", model_id, loads.append)
    assert len(str(caught.value)) < 200 and loads == []


def test_failed_loads_leave_no_lock_behind():
    def missing(name):
        raise OSError("not there")

    for number in range(5):
        with pytest.raises(UserError):
            hub.load_cached("failing", f"nobody/model-{number}", missing)
    assert [key for key in hub._loading if key[0] == "failing"] == []
