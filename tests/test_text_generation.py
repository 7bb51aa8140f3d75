"""Generation against references: transformers' own pipeline for the text, the model's logits for the probabilities.

The model is a tiny GPT-2 built here (tests/tiny_gpt2.py) and loaded through
the same cached `from_pretrained` path the app uses; nothing is downloaded.
"""

import threading

import pytest
import torch

from playground import config as cfg
from playground.errors import UserError
from playground.text.generate import GenerationConfig, generate_stream, generate_text
from playground.text.loading import load_model
from playground.text.tokens import prompt_tokens
from tests.tiny_gpt2 import build_tiny_gpt2

PROMPTS = ["the dog", "she sells sea shells by"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    # float32: the probabilities are checked against the model's own float32 logits (bfloat16: test_precision.py)
    return load_model(str(build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"))), precision="float32")


@pytest.fixture(scope="module")
def pipe(tiny):
    from transformers import pipeline

    return pipeline("text-generation", model=tiny.model, tokenizer=tiny.tokenizer)


def settings(**values) -> GenerationConfig:
    return cfg.build(GenerationConfig, values)


def pipeline_texts(pipe, prompt, **kwargs) -> list[str]:
    return [out["generated_text"] for out in pipe(prompt, return_full_text=False, **kwargs)]


@pytest.mark.parametrize("prompt", PROMPTS)
@pytest.mark.parametrize("penalty", [1.0, 1.5])
def test_greedy_is_exactly_the_pipeline(tiny, pipe, prompt, penalty):
    ours = generate_text(tiny, prompt, settings(greedy=True, max_new_tokens=25, repetition_penalty=penalty))
    steps = ours["steps"][0]
    assert ours["tokens"] == len(steps) and (len(steps) == 25 or steps[-1]["id"] == tiny.tokenizer.eos_token_id)
    assert [ours["text"]] == pipeline_texts(pipe, prompt, do_sample=False, max_new_tokens=25,
                                            repetition_penalty=penalty)


def test_sampling_with_a_seed_repeats_and_equals_the_pipeline_with_that_seed(tiny, pipe):
    knobs = dict(temperature=0.7, top_k=20, top_p=0.9, repetition_penalty=1.2)
    first = generate_text(tiny, "the cat", settings(seed=7, max_new_tokens=30, **knobs))
    again = generate_text(tiny, "the cat", settings(seed=7, max_new_tokens=30, **knobs))
    other = generate_text(tiny, "the cat", settings(seed=8, max_new_tokens=30, **knobs))
    assert first["text"] == again["text"] and first["seed"] == 7
    assert other["text"] != first["text"]
    torch.manual_seed(7)
    assert [first["text"]] == pipeline_texts(pipe, "the cat", do_sample=True, max_new_tokens=30, **knobs)


def test_several_sequences_and_beams_equal_the_pipeline(tiny, pipe):
    sampled = generate_text(tiny, "the dog", settings(seed=3, num_sequences=3, max_new_tokens=12))
    torch.manual_seed(3)
    assert sampled["texts"] == pipeline_texts(pipe, "the dog", do_sample=True, num_return_sequences=3,
                                              max_new_tokens=12, temperature=0.8, top_k=50, top_p=0.95)
    assert len(set(sampled["texts"])) == 3
    beams = generate_text(tiny, "the dog", settings(greedy=True, num_beams=4, num_sequences=2, max_new_tokens=12))
    assert beams["texts"] == pipeline_texts(pipe, "the dog", do_sample=False, num_beams=4, num_return_sequences=2,
                                            max_new_tokens=12)


def test_streaming_yields_text_token_by_token(tiny):
    events = list(generate_stream(tiny, "the dog", settings(greedy=True, max_new_tokens=20)))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("token") == 20
    texts = [e["texts"][0] for e in events if e["event"] == "token"]
    assert all(later.startswith(earlier) for earlier, later in zip(texts, texts[1:]))
    assert len(set(texts)) > 10  # the text really grows step by step
    done = events[-1]
    assert done["text"].startswith(texts[-1]) and "".join(t["piece"] for t in done["steps"][0]) == done["text"]
    assert 0 < done["time_to_first_token"] <= done["seconds"]


def test_the_first_token_arrives_while_generation_still_runs_and_stop_ends_it(tiny):
    stop = threading.Event()
    stream = generate_stream(tiny, "the dog", settings(greedy=True, max_new_tokens=60), stop=stop)
    assert next(stream)["event"] == "start"
    first = next(stream)
    assert first["event"] == "token" and first["step"] == 1
    stop.set()
    done = list(stream)[-1]
    assert done["stopped"] and 1 <= done["tokens"] <= 3  # the token in flight may still land


@pytest.mark.parametrize("greedy", [True, False])
def test_probabilities_are_the_models_own_and_sum_to_one(tiny, greedy):
    # a penalty, temperature and top-k reshape what is picked from, never what is reported
    done = generate_text(tiny, "the quick", settings(greedy=greedy, max_new_tokens=15, temperature=0.5, top_k=5,
                                                    repetition_penalty=1.3, top_candidates=50))
    steps = done["steps"][0]
    prompt_ids = tiny.tokenizer("the quick")["input_ids"]
    sequence = torch.tensor([prompt_ids + [s["id"] for s in steps]])
    with torch.no_grad():
        reference = torch.softmax(tiny.model(sequence).logits[0, len(prompt_ids) - 1:-1].double(), dim=-1)
    vocab = len(tiny.tokenizer)
    assert vocab <= 50
    for position, step in enumerate(steps):
        assert step["probability"] == pytest.approx(reference[position, step["id"]].item(), abs=1e-5)
        candidates = step["candidates"]
        assert len(candidates) == vocab  # the whole vocabulary, so the probabilities must add up to one
        assert sum(c["probability"] for c in candidates) == pytest.approx(1.0, abs=1e-5)
        for candidate in candidates:
            assert candidate["probability"] == pytest.approx(reference[position, candidate["id"]].item(), abs=1e-5)
        assert [c["probability"] for c in candidates] == sorted((c["probability"] for c in candidates), reverse=True)


def test_beam_search_probabilities_come_from_the_finished_sequence(tiny):
    done = generate_text(tiny, "the dog", settings(greedy=True, num_beams=3, max_new_tokens=10, top_candidates=3))
    prompt_ids = tiny.tokenizer("the dog")["input_ids"]
    ids = [s["id"] for s in done["steps"][0]]
    with torch.no_grad():
        reference = torch.softmax(tiny.model(torch.tensor([prompt_ids + ids])).logits[0], dim=-1)
    for position, step in enumerate(done["steps"][0]):
        assert step["probability"] == pytest.approx(reference[len(prompt_ids) - 1 + position, step["id"]].item(),
                                                    abs=1e-5)
        assert len(step["candidates"]) == 3


def test_prompt_tokens_are_the_ids_generation_uses_and_rebuild_the_prompt(tiny):
    tokens = prompt_tokens(tiny.tokenizer, "the lazy dog ran")
    assert [t["id"] for t in tokens] == tiny.tokenizer("the lazy dog ran")["input_ids"]
    assert "".join(t["piece"] for t in tokens) == "the lazy dog ran"
    assert len(tokens) < len("the lazy dog ran")  # BPE merged some letters


def test_multibyte_characters_split_over_tokens_still_rebuild_the_text():
    from playground.text.corpus import stdlib_corpus
    from playground.text.tiny_gpt import TinyGPTConfig, train_tokenizer

    tokenizer = train_tokenizer(stdlib_corpus(5000), cfg.build(TinyGPTConfig, {"tokenizer": "char"}))
    text = "café ☕ naïve"
    tokens = prompt_tokens(tokenizer, text)
    assert "".join(t["piece"] for t in tokens) == text
    assert len(tokens) == len(text.encode())  # one token per byte
    assert sum(t["piece"] == "" for t in tokens) == 4  # the first bytes of é, ☕ (two), ï


@pytest.mark.parametrize("prompt, values, message", [
    ("", {}, "Write a prompt"),
    ("   ", {}, "Write a prompt"),
    ("the dog", {"max_new_tokens": 100}, "reads at most 64 tokens"),
    ("the dog", {"greedy": True, "num_sequences": 2}, "Greedy decoding writes one text"),
    ("the dog", {"num_beams": 2, "num_sequences": 3}, "at most 2 sequences"),
])
def test_bad_requests_are_one_clear_sentence(tiny, prompt, values, message):
    with pytest.raises(UserError, match=message):
        generate_text(tiny, prompt, settings(**values))


def test_out_of_bounds_settings_are_refused_before_anything_runs():
    with pytest.raises(UserError, match="Max new tokens must be between 1 and 512"):
        settings(max_new_tokens=10_000)
    with pytest.raises(UserError, match="Temperature must be between"):
        settings(temperature=0)


def test_unknown_model_and_non_model_folder_say_what_to_do(tmp_path, monkeypatch):
    # allowed, in case the app (imported by other tests) switched the web allow-list on: this is about loading
    monkeypatch.setenv("PLAYGROUND_ALLOWED_MODELS", "no-such-org/no-such-model-xyz")
    monkeypatch.setenv("PLAYGROUND_MODELS_DIR", str(tmp_path))
    with pytest.raises(UserError) as unknown:
        load_model("no-such-org/no-such-model-xyz")
    assert "HF_HOME" in str(unknown.value) and "tiny GPT" in str(unknown.value)
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(UserError, match="is not a model this tab can load"):
        load_model(str(tmp_path))
    with pytest.raises(UserError, match="Give a model id"):
        load_model("  ")


def test_a_loaded_model_is_cached_and_described(tiny):
    assert load_model(tiny.model_id, precision="float32") is tiny
    text = tiny.describe()
    assert "M parameters" in text and "cpu" in text and "float32" in text and "64 tokens" in text
