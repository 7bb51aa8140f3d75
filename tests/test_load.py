"""A classroom at once: 20 simulated users through gradio_client against `python app.py` in its own process.

The users mix training (the Train tab's /train and the tiny GPT's /train_lm),
generation (/generate with a tiny local GPT-2) and speech (/transcribe with a
tiny local wav2vec2), all submitted at the same moment. Every request must end
with *its own* correct result (the text the library writes for its prompt,
the transcript of its clip, the dataset and epochs it asked for) or with the
clear "busy, try again" message; a fresh page load during the load must still
answer quickly; the server's memory must come back near where it started.
The server runs as a separate process so that its memory is measured alone.

The figures are printed (run with -s) and written to benchmarks/out/load_test.json:

    .venv/bin/python -m pytest -s tests/test_load.py
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.app_inputs import train_inputs
from tests.tiny_gpt2 import CORPUS, build_tiny_gpt2
from tests.tiny_wav2vec2 import build_tiny_wav2vec2

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "out" / "load_test.json"
BUSY = "⏳ The app is busy"
# the host's settings for this run: the defaults (10 training jobs meet 6 places, so "busy" is met for sure), and
# two malloc arenas (glibc's default of 8 per core, one per busy thread, holds on to ~2x more freed memory)
SERVER_ENV = {"PLAYGROUND_TRAIN_CONCURRENCY": "2", "PLAYGROUND_TRAIN_QUEUE": "4", "MALLOC_ARENA_MAX": "2"}
ROUNDS = 3
PROMPTS = ["the quick brown fox", "a cat sat on", "she sells sea", "we will walk to", "the lazy dog",
           "then goes home"]
TRAIN_RUNS = [("moons", 4), ("circles", 5), ("spiral", 6), ("moons", 7), ("circles", 8), ("spiral", 9)]
LM_STEPS = [6, 7, 8, 9]
SPEECH_USERS = 4
NEW_TOKENS = 12


# helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200
        response.read()
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def lm_settings(steps: int) -> dict:
    return dict(source="Paste text", pasted=" ".join(CORPUS), uploaded=None, layers=1, heads=2, embedding_size=16,
                context_length=16, steps=steps, learning_rate=0.01, batch_size=4, tokenizer="char",
                sample_every=steps, sample_prompt="the")


def speech_clip(folder: Path, index: int) -> Path:
    """A different 1.5 s gliding tone per user, so each transcript is that clip's own."""
    from tests.audio_files import write_wav

    t = np.arange(int(16000 * 1.5)) / 16000
    voice = np.sin(2 * np.pi * (110 + 40 * index + 60 * t) * t) * (0.5 + 0.5 * np.abs(np.sin(2 * np.pi * (1 + index) * t)))
    return write_wav(folder / f"user{index}.wav", 16000, np.round(voice * 12000).astype(np.int16))


# the server


class Server:
    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process, self.url, self.log = process, url, log

    @property
    def rss(self) -> float:
        return rss_mb(self.process.pid)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    # under the system temp folder, which conftest makes the models folder visitors may load from
    root = tmp_path_factory.mktemp("load-models")
    return {"gpt2": str(build_tiny_gpt2(root / "gpt2")), "wav2vec2": str(build_tiny_wav2vec2(root / "wav2vec2")),
            "clips": root}


@pytest.fixture(scope="module")
def server(models, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("load-server") / "server.log"
    env = {**os.environ, **SERVER_ENV, "PLAYGROUND_PORT": str(port), "PLAYGROUND_HOST": "127.0.0.1",
           "PLAYGROUND_OUTPUT_DIR": str(tmp_path_factory.mktemp("load-outputs")), "PYTHONPATH": str(ROOT)}
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the app did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
    yield Server(process, url, log)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# what each user asks, and what it must get back


def expected_texts(models) -> dict:
    from playground.text.generate import GenerationConfig, generate_text
    from playground.text.loading import load_model

    loaded = load_model(models["gpt2"], "cpu")
    config = GenerationConfig(max_new_tokens=NEW_TOKENS, greedy=True)
    return {prompt: prompt + generate_text(loaded, prompt, config)["text"] for prompt in PROMPTS}


def expected_transcripts(models, clips: list[Path]) -> dict:
    from playground.speech.audio import load_audio
    from playground.speech.recognize import load_recognizer, transcribe

    recognizer = load_recognizer(models["wav2vec2"], "cpu")
    return {str(clip): transcribe(recognizer, load_audio(str(clip))).text for clip in clips}


def make_users(models) -> list[dict]:
    """20 users: 6 Train-tab runs, 4 tiny GPTs, 6 generations, 4 transcriptions, interleaved."""
    from gradio_client import handle_file

    texts = expected_texts(models)
    clips = [speech_clip(models["clips"], i) for i in range(SPEECH_USERS)]
    transcripts = expected_transcripts(models, clips)
    users = []
    for dataset, epochs in TRAIN_RUNS:
        users.append({"kind": "train", "args": [], "kwargs": train_inputs(dataset, epochs=epochs), "api": "/train",
                      "check": lambda r, d=dataset, e=epochs: check_train(r, d, e)})
    for steps in LM_STEPS:
        users.append({"kind": "train_lm", "args": [], "kwargs": lm_settings(steps), "api": "/train_lm",
                      "check": lambda r, s=steps: check_lm(r, s)})
    for prompt in PROMPTS:
        users.append({"kind": "generate", "args": [], "api": "/generate",
                      "kwargs": dict(model_id=models["gpt2"], prompt=prompt, max_new_tokens=NEW_TOKENS, greedy=True),
                      "check": lambda r, p=prompt: check_generate(r, texts[p])})
    for clip in clips:
        users.append({"kind": "speech", "args": [handle_file(str(clip)), models["wav2vec2"], 0.6, 20, 3], "kwargs": {},
                      "api": "/transcribe", "check": lambda r, c=clip: check_speech(r, transcripts[str(c)])})
    order = [0, 6, 10, 16, 1, 7, 11, 17, 2, 8, 12, 18, 3, 9, 13, 19, 4, 14, 5, 15]  # kinds interleaved
    return [users[i] for i in order]


def check_train(result, dataset: str, epochs: int) -> str:
    status, files = result[0], result[-1]
    if str(status).startswith(BUSY):
        return "busy"
    assert f"on **{dataset}**" in status and f"{epochs} epochs in" in status, status
    config = json.loads(Path(next(f for f in files if f.endswith("config.json"))).read_text())
    assert config["dataset"] == dataset and config["epochs_run"] == epochs  # the download is this user's run
    return "ok"


def check_lm(result, steps: int) -> str:
    status = result[0]
    if str(status).startswith(BUSY):
        return "busy"
    assert status.startswith(f"✅ Trained: {steps} steps"), status
    return "ok"


def check_generate(result, expected: str) -> str:
    status, text = result[0], result[2]
    if str(status).startswith(BUSY):
        return "busy"
    assert status.startswith("✅") and text == expected, (status, text, expected)
    return "ok"


def check_speech(result, expected: str) -> str:
    text, status = result[0], result[3]
    if str(status).startswith(BUSY):
        return "busy"
    assert status.startswith("✅") and text == expected and text.strip(), (status, text, expected)
    return "ok"


# the tests


def settled_rss(server, seconds: float = 10.0) -> float:
    """The server's memory once finished jobs have let theirs go: the lowest of the last few samples."""
    samples = []
    for _ in range(int(seconds / 0.5)):
        time.sleep(0.5)
        samples.append(server.rss)
    return min(samples[-6:])


def one_round(server, users, clients) -> dict:
    """All users submit at the same moment; returns what happened to each, how long it took, and the page load."""
    from gradio_client import Client

    peak, sampling = [server.rss], threading.Event()

    def sample_memory():
        while not sampling.is_set():
            peak.append(server.rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    started = time.perf_counter()
    submitted = [client.submit(*user["args"], api_name=user["api"], **user["kwargs"])
                 for client, user in zip(clients, users)]
    submit_seconds = time.perf_counter() - started

    time.sleep(1.0)  # a fresh visitor opens the page while the others' jobs run
    running_at_page_load = sum(not job.done() for job in submitted)
    page_seconds, config_seconds = timed_get(server.url), timed_get(server.url + "config")
    fresh = time.perf_counter()
    Client(server.url, verbose=False).close()
    fresh_client_seconds = time.perf_counter() - fresh

    answered: dict[int, float] = {}  # user -> seconds from the common start to their answer
    while len(answered) < len(submitted):
        assert time.perf_counter() - started < 600, "some users never got an answer"
        for index, job in enumerate(submitted):
            if index not in answered and job.done():
                answered[index] = time.perf_counter() - started
        time.sleep(0.05)
    total_seconds = time.perf_counter() - started
    outcomes, latencies = [], {}
    for index, (job, user) in enumerate(zip(submitted, users)):
        outcomes.append((user["kind"], user["check"](job.result())))  # asserts it is this user's own result
        latencies.setdefault(user["kind"], []).append(answered[index])
    sampling.set()
    sampler.join()
    every = [s for values in latencies.values() for s in values]
    return {
        "outcomes": {kind: {o: sum(1 for k, x in outcomes if k == kind and x == o) for o in ("ok", "busy")}
                     for kind in latencies},
        "seconds_to_submit_all": round(submit_seconds, 2), "seconds_until_all_answered": round(total_seconds, 1),
        "latency_p50_s": round(percentile(every, 50), 2), "latency_p95_s": round(percentile(every, 95), 2),
        "latency_by_kind_p50_p95_s": {k: [round(percentile(v, 50), 2), round(percentile(v, 95), 2)]
                                      for k, v in latencies.items()},
        "page_load_during_load_s": round(page_seconds, 3), "config_during_load_s": round(config_seconds, 3),
        "fresh_api_client_during_load_s": round(fresh_client_seconds, 2),
        "jobs_still_running_at_page_load": running_at_page_load,
        "rss_peak_mb": round(max(peak)), "rss_after_mb": round(settled_rss(server)),
    }


def test_twenty_users_at_once(server, models):
    """Three rounds of the same 20 visitors: the later ones show whether the jobs leave memory behind.

    The first round's growth also holds what Gradio keeps per session for as long as the session lives (a copy of
    the page's component config, ~0.65 MB with this app's 378 components, and each visitor's gr.State, such as their
    trained run) and the allocator's high-water mark, so the same sessions run again, and memory must level off.
    """
    from gradio_client import Client

    idle_mb = server.rss
    warm = Client(server.url, verbose=False)  # one request of each kind first: libraries and models loaded
    users = make_users(models)
    for kind in ("train", "train_lm", "generate", "speech"):
        user = next(u for u in users if u["kind"] == kind)
        job = warm.submit(*user["args"], api_name=user["api"], **user["kwargs"])
        assert user["check"](job.result(timeout=300)) == "ok"
    warm.close()
    baseline_mb = settled_rss(server, 3.0)
    clients = [Client(server.url, verbose=False) for _ in users]  # one visitor, one session each
    rounds = [one_round(server, users, clients) for _ in range(ROUNDS)]
    for client in clients:
        client.close()
    figures = {"users": len(users), "server_settings": SERVER_ENV, "cpu_cores": os.cpu_count(),
               "rss_idle_after_start_mb": round(idle_mb), "rss_after_warm_up_mb": round(baseline_mb),
               "rounds": rounds}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    print("\nload test figures:", json.dumps(figures, indent=2, ensure_ascii=False))

    for figures_of_round in rounds:
        outcomes = figures_of_round["outcomes"]
        assert sum(sum(counts.values()) for counts in outcomes.values()) == 20  # every user answered: ok or busy
        # 6 trainings and 4 tiny GPTs share 2 training slots + 4 waiting places: some hear "busy"; every kind is
        # served (the tiny GPTs can take at most 4 of the 6 places)
        assert outcomes["train"]["busy"] + outcomes["train_lm"]["busy"] >= 1
        assert all(counts["ok"] >= 1 for counts in outcomes.values())
        assert sum(counts["busy"] for counts in outcomes.values()) <= 8, "only the short training line turns away"
        assert figures_of_round["jobs_still_running_at_page_load"] > 0, "the page must load during the load"
        assert figures_of_round["page_load_during_load_s"] < 3.0 and figures_of_round["config_during_load_s"] < 3.0
    after = [figures_of_round["rss_after_mb"] for figures_of_round in rounds]
    assert after[0] < baseline_mb + 150, f"memory did not come back: {baseline_mb:.0f} -> {after[0]} MB"
    assert after[-1] < after[-2] + 20, f"the same visitors' jobs keep adding memory: {after} MB"


def test_two_trainers_get_their_own_runs_and_stop_only_their_own(server):
    from gradio_client import Client

    first, second = Client(server.url, verbose=False), Client(server.url, verbose=False)
    jobs = [first.submit(**train_inputs("moons", epochs=200), api_name="/train"),
            second.submit(**train_inputs("circles", epochs=200), api_name="/train")]
    deadline = time.monotonic() + 120
    while any(len(job.outputs()) < 2 for job in jobs):  # both really training
        assert time.monotonic() < deadline and not any(job.done() for job in jobs), "a run did not start"
        time.sleep(0.1)
    second_was_running = not jobs[1].done()
    first.predict(api_name="/stop")
    status, *_, files = jobs[0].result(timeout=60)
    assert "Stopped by you" in status and "on **moons**" in status
    assert second_was_running, "the second run ended before the first was stopped: make it longer"
    second_status = jobs[1].result(timeout=300)[0]
    # the second visitor's run went on to the end, unaffected, with its own data
    assert "Training finished" in second_status and "on **circles**" in second_status, second_status
    assert "200 epochs in" in second_status
    second_files = jobs[1].result()[6]
    assert {Path(f).parent for f in files}.isdisjoint({Path(f).parent for f in second_files})
    first.close()
    second.close()
