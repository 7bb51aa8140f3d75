"""The tiny GPT: its corpus needs no download, its tokenizer loses nothing, and training really teaches it.

Runs are a few seconds on one CPU thread: a 1-layer, 32-wide model on 20,000
characters of standard-library docstrings.
"""

import threading
import zipfile

import pytest
import torch

from playground import config as cfg
from playground.errors import UserError
from playground.text.corpus import check_corpus, read_corpus_file, stdlib_corpus
from playground.text.generate import GenerationConfig, generate_text
from playground.text.loading import load_model
from playground.text.tiny_gpt import TinyGPTConfig, train_events, train_tokenizer, zip_folder

SMALL = dict(layers=1, heads=2, embedding_size=32, context_length=32, batch_size=16, learning_rate=1e-2,
             tokenizer="char", steps=80, sample_every=40)


@pytest.fixture(scope="module")
def corpus():
    return stdlib_corpus(20_000)


def small(**values) -> TinyGPTConfig:
    return cfg.build(TinyGPTConfig, {**SMALL, **values})


def test_default_corpus_is_the_standard_librarys_own_docs():
    text = stdlib_corpus()
    assert len(text) > 100_000
    assert "Command-line parsing library" in text  # argparse's module docstring
    import json

    assert json.__doc__.strip().splitlines()[0] in text
    assert stdlib_corpus() == text  # same every run: training is reproducible


@pytest.mark.parametrize("kind, size", [("char", 257), ("bpe", 400)])
def test_tokenizer_round_trips_any_text(corpus, kind, size):
    tokenizer = train_tokenizer(corpus, small(tokenizer=kind, vocab_size=400))
    assert len(tokenizer) == size
    text = "def f(x):\n    return x ** 2  # déjà vu, ☕ and 漢字\t!"
    ids = tokenizer(text)["input_ids"]
    assert tokenizer.decode(ids) == text
    if kind == "bpe":
        assert len(ids) < len(text.encode())  # merges make it shorter than one token per byte


def test_training_lowers_held_out_loss_and_changes_what_it_writes(corpus, tmp_path):
    events = list(train_events(small(), corpus, out_dir=tmp_path / "model"))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("step") == 80
    done = events[-1]
    assert done["status"] == "finished" and done["steps_run"] == 80
    assert done["initial_val_loss"] == pytest.approx(torch.log(torch.tensor(257.0)).item(), rel=0.05)  # ~uniform
    assert done["val_loss"] < 0.65 * done["initial_val_loss"]
    losses = [e["loss"] for e in events if e["event"] == "step"]
    assert sum(losses[-10:]) / 10 < 0.7 * sum(losses[:10]) / 10
    samples = [e for e in events if e["event"] == "sample"]
    assert [s["step"] for s in samples] == [0, 40, 80]
    assert samples[0]["text"] != samples[-1]["text"]
    assert all(s["text"].startswith("The") for s in samples)
    # the untrained model spits out random bytes; the trained one mostly the corpus's letters and spaces
    letters = [sum(ch.isalpha() or ch == " " for ch in s["text"]) / len(s["text"]) for s in samples]
    assert letters[-1] > letters[0] + 0.2

    loaded = load_model(done["path"])  # the saved folder is an ordinary transformers model
    assert loaded.context_length == 32 and len(loaded.tokenizer) == 257
    text = generate_text(loaded, "Return the", cfg.build(GenerationConfig, {"max_new_tokens": 20}))["text"]
    assert len(text) > 0
    with zipfile.ZipFile(zip_folder(done["path"])) as archive:
        assert {"config.json", "model.safetensors", "tokenizer.json", "training.json"} <= set(archive.namelist())


def test_same_seed_same_model(corpus):
    runs = [list(train_events(small(steps=5, sample_every=5), corpus)) for _ in range(2)]
    assert [e.get("loss") for e in runs[0]] == [e.get("loss") for e in runs[1]]
    assert runs[0][-1]["val_loss"] == runs[1][-1]["val_loss"]


def test_stop_ends_training_and_still_saves(corpus, tmp_path):
    stop = threading.Event()
    events = []
    for event in train_events(small(steps=1000), corpus, out_dir=tmp_path / "stopped", stop=stop):
        events.append(event)
        if event["event"] == "step" and event["step"] == 3:
            stop.set()
    done = events[-1]
    assert done["status"] == "stopped" and done["steps_run"] == 3
    assert events[-2]["event"] == "sample" and events[-3]["event"] == "eval"  # the saved model is measured
    assert (tmp_path / "stopped" / "model.safetensors").exists()


def test_bad_settings_and_texts_are_one_clear_sentence(corpus, tmp_path):
    with pytest.raises(UserError, match="must divide by the number of heads"):
        list(train_events(small(embedding_size=48, heads=5), corpus))
    with pytest.raises(UserError, match="at least 1,000"):
        check_corpus("too short")
    with pytest.raises(UserError, match="too short for a context of 512"):
        list(train_events(small(context_length=512), corpus[:3000]))
    with pytest.raises(UserError, match="Tokenizer must be one of char, bpe"):
        small(tokenizer="words")
    binary = tmp_path / "data.bin"
    binary.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(UserError, match="binary file"):
        read_corpus_file(binary)
    with pytest.raises(UserError, match="does not exist"):
        read_corpus_file(tmp_path / "missing.txt")
