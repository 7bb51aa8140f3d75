"""Nothing a visitor sends lets them load what the host did not allow, read the server's files, or run code.

Driven through the running app's API (gradio_client and plain HTTP): hostile
model ids and `../` paths in every field that names a model, uploads that are
too big or are not what they claim, file paths smuggled into upload fields,
and requests for files outside what the app serves. Then the package's source
is searched for the calls that would run code from a model or a pickle.
"""

import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.tiny_gpt2 import CORPUS, build_tiny_gpt2
from tests.tiny_wav2vec2 import build_tiny_wav2vec2

ROOT = Path(__file__).resolve().parent.parent
REFUSED = "is not on this app's allow-list"


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("allowed-models")


@pytest.fixture
def only_models_dir(models_dir, monkeypatch):
    """The host's models folder is this one folder (the app reads it on every load)."""
    monkeypatch.setenv("PLAYGROUND_MODELS_DIR", str(models_dir))
    return models_dir


def hostile_ids(models_dir: Path, outside_model: Path) -> list[str]:
    return [
        "evil-org/remote-code-model",  # a Hub id that is not on the allow-list
        "https://evil.example/model.safetensors",
        "/etc",
        "../../../../../../etc",
        f"{models_dir}/../../../../etc",  # starts inside the models folder, climbs out
        "~/.ssh",
        str(outside_model),  # a real model, but outside the models folder
        str(models_dir / "sneaky-link"),  # a link inside the models folder to a model outside it
        "gpt2 --trust-remote-code",
    ]


@pytest.fixture(scope="module")
def outside_model(tmp_path_factory):
    return build_tiny_gpt2(tmp_path_factory.mktemp("not-in-models-dir") / "gpt2")


@pytest.fixture(scope="module")
def linked(models_dir, outside_model):
    link = models_dir / "sneaky-link"
    if not link.exists():
        link.symlink_to(outside_model, target_is_directory=True)
    return link


def generate_status(client, model_id: str) -> str:
    return client.predict(model_id=model_id, prompt="the dog", max_new_tokens=3, greedy=True,
                          api_name="/generate")[0]


def transcribe_status(client, model_id: str) -> str:
    from gradio_client import handle_file

    return client.predict(handle_file(str(ROOT / "assets" / "speech_example.wav")), model_id, 0.6, 20, 3,
                          api_name="/transcribe")[3]


def transfer_error(client, backbone: str) -> str:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        client.predict(backbone=backbone, device="cpu", api_name="/transfer")
    return str(refused.value)


# models


def test_hostile_model_ids_are_refused_by_every_tab_that_loads_a_model(client, only_models_dir, outside_model,
                                                                         linked):
    for model_id in hostile_ids(only_models_dir, outside_model):
        for ask in (generate_status, transcribe_status, transfer_error):
            message = ask(client, model_id)
            assert REFUSED in message and "PLAYGROUND_ALLOWED_MODELS" in message, (ask.__name__, model_id, message)


def test_models_inside_the_models_folder_still_load(client, only_models_dir):
    inside = build_tiny_gpt2(only_models_dir / "tiny-gpt2")
    assert generate_status(client, str(inside)).startswith("✅")
    speech = build_tiny_wav2vec2(only_models_dir / "tiny-wav2vec2")
    assert transcribe_status(client, str(speech)).startswith("✅")
    (only_models_dir / "empty").mkdir(exist_ok=True)
    assert "is not a model this tab can load" in generate_status(client, str(only_models_dir / "empty"))


def test_the_cli_loads_any_folder_but_refuses_what_is_not_a_model(cli, tmp_path, outside_model):
    run = cli("generate", "--model", str(outside_model), "--prompt", "the dog", "--max-new-tokens", "3", "--greedy",
              "--json")
    assert run.returncode == 0, run.stderr  # the machine's owner is not held to the allow-list
    (tmp_path / "notes.txt").write_text("not a model")
    run = cli("generate", "--model", str(tmp_path), "--prompt", "hello")
    assert run.returncode == 2 and "is not a model this tab can load" in run.stderr
    assert "Traceback" not in run.stderr


# uploads


def test_oversize_uploads_are_refused(client, monkeypatch, tmp_path):
    from gradio_client import handle_file

    from tests.audio_files import write_wav

    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "1")
    big_text = tmp_path / "book.txt"
    big_text.write_text(" ".join(CORPUS) * 400)  # ~1.4 MB of plain text
    status = client.predict(source="Upload a text file", pasted="", uploaded=handle_file(str(big_text)), steps=1,
                            api_name="/train_lm")[0]
    megabytes = big_text.stat().st_size / 2**20
    assert status.startswith("⚠️") and f"'book.txt' is {megabytes:.1f} MB; this app takes uploads of at most 1 MB" \
        in status and "PLAYGROUND_MAX_UPLOAD_MB" in status
    long_clip = write_wav(tmp_path / "lecture.wav", 16000, np.zeros(16000 * 40, dtype=np.int16))  # 40 s < 60 s
    megabytes = long_clip.stat().st_size / 2**20
    status = transcribe_clip(client, long_clip)
    assert status.startswith("⚠️") and f"'lecture.wav' is {megabytes:.1f} MB; this app takes uploads of at most " \
        f"1 MB" in status


def transcribe_clip(client, path, model="facebook/wav2vec2-base-960h") -> str:
    from gradio_client import handle_file

    return client.predict(handle_file(str(path)), model, 0.6, 20, 3, api_name="/transcribe")[3]


@pytest.mark.parametrize("name, content, message", [
    ("photo.wav", b"\x89PNG\r\n\x1a\n" + bytes(2000), "could not be read as audio: it is not an audio file"),
    ("program.mp3", None, "could not be read as audio: it is not an audio file"),
    ("notes.ogg", b"just some words, not sound " * 50, "could not be read as audio: it is not an audio file"),
])
def test_uploads_that_are_not_audio_are_refused(client, tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        shutil.copy(shutil.which("ls"), path)  # an executable
    else:
        path.write_bytes(content)
    status = transcribe_clip(client, path)
    assert status.startswith("⚠️") and message in status, status


def test_a_binary_file_is_refused_as_training_text(client, tmp_path):
    from gradio_client import handle_file

    path = tmp_path / "weights.txt"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    status = client.predict(source="Upload a text file", pasted="", uploaded=handle_file(str(path)), steps=1,
                            api_name="/train_lm")[0]
    assert status.startswith("⚠️") and "looks like a binary file" in status


def raw_call(app_url: str, api: str, data: list) -> str:
    """POST an API call as plain JSON (no gradio_client, which would upload a local path itself); the SSE reply."""
    import json

    request = urllib.request.Request(app_url + f"gradio_api/call/{api}", data=json.dumps({"data": data}).encode(),
                                     headers={"Content-Type": "application/json"})
    event = json.loads(urllib.request.urlopen(request, timeout=30).read())["event_id"]
    return urllib.request.urlopen(app_url + f"gradio_api/call/{api}/{event}", timeout=120).read().decode()


@pytest.mark.parametrize("server_path", ["/etc/passwd", str(ROOT / "app.py"), "../../../../etc/passwd"])
def test_server_paths_smuggled_into_upload_fields_are_not_read(app_url, server_path):
    """An API call that names a server file as its 'upload' is refused before any handler sees it."""
    from playground.text.tiny_gpt import TinyGPTConfig
    from playground.ui import text_train

    smuggled = {"path": server_path, "meta": {"_type": "gradio.FileData"}, "orig_name": "notes.txt"}
    settings = [getattr(TinyGPTConfig(), name) for name in text_train.SETTINGS]
    for api, data in (("transcribe", [smuggled, "facebook/wav2vec2-base-960h", 0.6, 20, 3]),
                      ("train_lm", ["Upload a text file", "", smuggled, [], *settings])):
        reply = raw_call(app_url, api, data)
        assert reply.startswith("event: error"), reply[:300]
        assert "root:" not in reply and "import" not in reply  # nothing of the file came back


# serving files


@pytest.mark.parametrize("path", [
    "/etc/passwd",
    str(ROOT / "app.py"),
    str(ROOT / "playground" / "hub.py"),
    "../../../../../../etc/passwd",
    "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/proc/self/environ",
])
def test_the_app_serves_no_file_outside_its_own_folders(app_url, path):
    for route, codes in (("gradio_api/file=", {403}), ("file=", {403, 404})):  # the file route, and its old name
        url = app_url + route + urllib.parse.quote(path, safe="/%")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=30).read()
        assert refused.value.code in codes, (url, refused.value.code)


def test_a_file_the_app_made_for_this_visitor_is_served(app_url):
    """The positive control for the test above: the same route does serve a download the app offers."""
    import json
    import zipfile
    from io import BytesIO

    from playground.text.tiny_gpt import TinyGPTConfig
    from playground.ui import text_train

    tiny = dict(layers=1, heads=2, embedding_size=16, context_length=16, steps=2, batch_size=4, tokenizer="char",
                sample_every=2)
    settings = [tiny.get(name, getattr(TinyGPTConfig(), name)) for name in text_train.SETTINGS]
    reply = raw_call(app_url, "train_lm", ["Paste text", " ".join(CORPUS), None, [], *settings])
    outputs = json.loads(reply.split("event: complete\ndata: ", 1)[1].splitlines()[0])
    download = outputs[3]["value"]
    assert "/gradio_api/file=" in download["url"]
    with urllib.request.urlopen(download["url"], timeout=30) as response:
        assert "config.json" in zipfile.ZipFile(BytesIO(response.read())).namelist()


# the source


def python_sources():
    return [ROOT / "app.py", *sorted((ROOT / "playground").rglob("*.py"))]


def test_no_remote_code_and_no_pickles_anywhere_in_the_package():
    offences = []
    for path in python_sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            where = f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            if re.search(r"trust_remote_code\s*=\s*(?!False\b)", code):
                offences.append(where)
            if "torch.load(" in code and "weights_only=True" not in code:
                offences.append(where)
            if re.search(r"\bpickle\.loads?\(|\bshell\s*=\s*True|(?<![.\w])(eval|exec)\(", code):
                offences.append(where)
    assert offences == []


def test_every_from_pretrained_goes_through_the_allow_list():
    """Models reach the process only through hub.load_cached, which checks the allow-list first."""
    loaders = {str(path.relative_to(ROOT)) for path in python_sources() if ".from_pretrained(" in path.read_text()
               or "from_pretrained)" in path.read_text()}
    for name in loaders:
        assert "load_cached" in (ROOT / name).read_text(), f"{name} loads models without playground.hub.load_cached"


def test_the_app_runs_with_the_allow_list_on(app_url):
    from playground import hub

    assert hub._restricted
