"""Same seed, same result, while another visitor trains with dropout in the same process.

Each run owns its random generators (playground/randomness.py), so two runs
with one seed at once, beside a third thread that keeps drawing dropout masks,
land exactly where the same run lands alone: sampled text, a Train run with
dropout, a GAN's samples, a VAE, a tiny GPT. The visitor's progress during
each check is asserted, so a check can't pass by running alone.
"""

import contextlib
import threading

import pytest
import torch

from playground.generative.run import GanRun
from playground.generative.vae_run import VaeRun
from playground.text.generate import GenerationConfig, generate_text
from playground.text.loading import load_model
from playground.text.tiny_gpt import TinyGPTConfig, train_events
from playground.training.run import Run
from tests.tiny_gpt2 import build_tiny_gpt2


@contextlib.contextmanager
def dropout_visitor():
    """Another visitor's Train run with dropout 0.5 in a thread; yields a function giving its step count."""
    stop, stepping, steps = threading.Event(), threading.Event(), [0]

    def train():
        while not stop.is_set():
            run = Run("mlp", "moons", model_settings={"dropout": 0.5, "width": 128},
                      train_settings={"epochs": 500, "seed": 1, "batch_size": 16})
            for event in run.events(stop):
                steps[0] += 1
                stepping.set()

    thread = threading.Thread(target=train, daemon=True)
    thread.start()
    assert stepping.wait(60), "the visitor's training never started"
    try:
        yield lambda: steps[0]
    finally:
        stop.set()
        thread.join(60)


def at_once(task, count: int = 2) -> list:
    """`count` calls of `task` in threads started together, their results in order."""
    results, errors = [None] * count, []

    def call(index):
        try:
            results[index] = task()
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def beside_visitor(task, count: int = 2) -> list:
    with dropout_visitor() as visitor_steps:
        before = visitor_steps()
        results = at_once(task, count)
        assert visitor_steps() > before, "the visitor did not train while the runs ran"
    return results


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_model(str(build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"), layers=4, width=64)), device="cpu")


def test_two_sampled_generations_with_one_seed_give_the_solo_text_beside_a_dropout_training(tiny):
    config = GenerationConfig(seed=7, max_new_tokens=48, temperature=1.0, top_k=0, top_p=1.0)

    def write():
        return generate_text(tiny, "the cat", config)["text"]

    solo = write()
    assert len(solo) > len("the cat")
    assert beside_visitor(write) == [solo, solo]
    assert write() != generate_text(tiny, "the cat", GenerationConfig(seed=8, max_new_tokens=48, temperature=1.0,
                                                                       top_k=0, top_p=1.0))["text"]


def test_beam_sampling_is_transformers_own_with_the_seed_and_holds_beside_a_dropout_training(tiny):
    config = GenerationConfig(seed=5, num_beams=3, num_sequences=2, max_new_tokens=16)

    def write():
        return generate_text(tiny, "the dog", config)["texts"]

    solo = write()
    inputs = tiny.tokenizer("the dog", return_tensors="pt")
    torch.manual_seed(5)
    reference = tiny.model.generate(**inputs, do_sample=True, num_beams=3, num_return_sequences=2, max_new_tokens=16,
                                    temperature=0.8, top_k=50, top_p=0.95, pad_token_id=tiny.pad_token_id)
    new_tokens = reference[:, inputs["input_ids"].shape[1]:]
    assert solo == tiny.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
    assert beside_visitor(write) == [solo, solo]


def test_a_train_run_with_dropout_repeats_exactly_beside_another_and_a_dropout_training():
    def train():
        run = Run("mlp", "moons", model_settings={"dropout": 0.3}, train_settings={"epochs": 4, "seed": 0})
        for _ in run.events():
            pass
        return ([{k: v for k, v in row.items() if k != "seconds"} for row in run.history],
                {k: v.clone() for k, v in run.model.state_dict().items()})

    solo_history, solo_weights = train()
    for history, weights in beside_visitor(train):
        assert history == solo_history
        assert weights.keys() == solo_weights.keys()
        assert all(torch.equal(weights[k], v) for k, v in solo_weights.items())


def test_a_continued_run_lands_where_one_long_run_lands():
    settings = dict(model_settings={"dropout": 0.3}, train_settings={"epochs": 4, "seed": 2})
    whole, parts = Run("mlp", "moons", **settings), Run("mlp", "moons", **settings)
    list(whole.events())
    list(parts.events(epochs=1))
    list(parts.events(epochs=3))
    assert all(torch.equal(parts.model.state_dict()[k], v) for k, v in whole.model.state_dict().items())


def test_a_gan_gives_the_solo_samples_beside_another_and_a_dropout_training():
    def train():
        run = GanRun("digits", settings={"epochs": 1, "seed": 0, "device": "cpu"})
        list(run.events())
        return run.sample_images(seed=3, count=20), [row["g_loss"] for row in run.history]

    solo_images, solo_losses = train()
    for images, losses in beside_visitor(train):
        assert torch.equal(images, solo_images)
        assert losses == solo_losses


def test_a_wgan_gp_gan_and_a_vae_repeat_beside_a_dropout_training():
    def gan():
        run = GanRun("digits", settings={"epochs": 1, "seed": 0, "device": "cpu", "loss": "wgan-gp",
                                         "architecture": "classic"})
        list(run.events())
        return run.sample_images(seed=3, count=10)

    def vae():
        run = VaeRun("digits", settings={"epochs": 2, "seed": 0, "device": "cpu"})
        list(run.events())
        return run.sample(seed=1, count=10)

    tasks = {"gan": gan, "vae": vae}
    solo = {name: task() for name, task in tasks.items()}
    both = beside_visitor(lambda: {name: task() for name, task in tasks.items()})
    for result in both:
        assert torch.equal(result["gan"], solo["gan"])
        assert (result["vae"] == solo["vae"]).all()


def test_a_tiny_gpt_trains_and_writes_the_same_beside_a_dropout_training():
    config = TinyGPTConfig(layers=1, heads=2, embedding_size=32, context_length=32, batch_size=8, steps=20,
                           sample_every=20, tokenizer="char", learning_rate=1e-2, seed=4)
    corpus = "the quick brown fox jumps over the lazy dog. " * 200

    def train():
        events = list(train_events(config, corpus))
        return [e["text"] for e in events if e["event"] == "sample"], events[-1]["val_loss"]

    solo = train()
    assert beside_visitor(train) == [solo, solo]
