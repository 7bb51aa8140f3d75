"""`python -m playground generate` and `train-lm` in a real subprocess: JSON last lines, streamed text, clear errors.

Each run starts a fresh Python (a few seconds to import torch), so there are
few runs and each checks several things.
"""

import json

import pytest

from playground.text.loading import load_model
from tests.tiny_gpt2 import build_tiny_gpt2


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # tiny models; two threads on a busy machine are far slower


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory) -> str:
    return str(build_tiny_gpt2(tmp_path_factory.mktemp("cli-tiny-gpt2")))


def last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_generate_json_is_the_continuation_only(cli, tiny_folder):
    from transformers import pipeline

    run = cli("generate", "--model", tiny_folder, "--prompt", "the dog", "--max-new-tokens", "12", "--greedy",
              "--json")
    assert run.returncode == 0, run.stderr
    result = last_json(run.stdout)
    loaded = load_model(tiny_folder)
    pipe = pipeline("text-generation", model=loaded.model, tokenizer=loaded.tokenizer)
    expected = pipe("the dog", do_sample=False, max_new_tokens=12, return_full_text=False)[0]["generated_text"]
    assert result["text"] == expected and not result["text"].startswith("the dog")
    assert result["tokens"] == len(result["token_ids"]) == len(result["probabilities"]) <= 12
    assert result["seconds"] > 0 and result["tokens_per_second"] == pytest.approx(
        result["tokens"] / result["seconds"], rel=0.02)
    assert all(0 < p <= 1 for p in result["probabilities"])


def test_generate_streams_plain_text_and_sampling_repeats_with_a_seed(cli, tiny_folder):
    args = ["generate", "--model", tiny_folder, "--prompt", "the cat", "--max-new-tokens", "15", "--seed", "5",
            "--temperature", "0.9", "--top-k", "20", "--top-p", "0.9"]
    plain = cli(*args)
    assert plain.returncode == 0, plain.stderr
    as_json = cli(*args, "--json")
    text = last_json(as_json.stdout)["text"]
    assert plain.stdout == "the cat" + text + "\n"  # the prompt, then the same sampled continuation
    assert "tokens/s" in plain.stderr and "seed 5" in plain.stderr


@pytest.mark.parametrize("args, message", [
    (["--model", "no-such-org/no-such-model", "--prompt", "hi"], "Could not load the model"),
    (["--prompt", ""], "Write a prompt first"),
    (["--prompt", "hi", "--max-new-tokens", "100000"], "Max new tokens must be between 1 and 512"),
    (["--prompt", "hi", "--greedy", "--temperature", "0.5"], "--greedy always takes the likeliest token"),
])
def test_generate_errors_are_one_line_and_exit_2(cli, args, message):
    run = cli("generate", *args)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith(f"error: {message}"), run.stderr
    assert "Traceback" not in run.stderr


def test_train_lm_saves_a_model_that_generate_loads(cli, tmp_path):
    from playground.text.corpus import stdlib_corpus

    corpus = tmp_path / "corpus.txt"
    corpus.write_text(stdlib_corpus(20_000))
    out = tmp_path / "tiny"
    run = cli("train-lm", "--corpus", str(corpus), "--steps", "40", "--out", str(out), "--json", "--layers", "1",
              "--heads", "2", "--embedding-size", "32", "--context-length", "32", "--tokenizer", "char",
              "--learning-rate", "0.01", "--sample-every", "20")
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stdout.strip().splitlines()]
    done = events[-1]
    assert done["event"] == "done" and done["status"] == "finished" and done["path"] == str(out)
    assert done["val_loss"] < 0.75 * done["initial_val_loss"]
    assert sum(e["event"] == "step" for e in events) == 40
    generated = cli("generate", "--model", str(out), "--prompt", "Return the", "--max-new-tokens", "10", "--json")
    assert generated.returncode == 0, generated.stderr
    assert last_json(generated.stdout)["tokens"] == 10
