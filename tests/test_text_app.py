"""The Text tab driven for real: through gradio_client against the running app, and in Chromium.

Models are tiny GPT-2s built here (nothing is downloaded); `gpt2` itself can't
be reached offline, which is exactly the error path we check.
"""

import inspect
import time
import zipfile
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from playground.text.corpus import stdlib_corpus
from playground.text.loading import load_model
from playground.ui import text_tab, text_train
from tests.tiny_gpt2 import build_tiny_gpt2


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory) -> str:
    return str(build_tiny_gpt2(tmp_path_factory.mktemp("app-tiny-gpt2")))


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def generate(client, model, prompt, **settings):
    job = client.submit(model_id=model, prompt=prompt, api_name="/generate", **settings)
    updates = list(job)
    return updates, job.result()


def latest(updates, index):
    """What the page shows in output `index`: its last value that was not a 'no change'."""
    values = [u[index] for u in updates if not (isinstance(u[index], dict) and u[index].get("__type__") == "update"
                                                 and "value" not in u[index])]
    return values[-1]


def pipeline_continuation(folder, prompt, max_new_tokens):
    from transformers import pipeline

    loaded = load_model(folder)
    pipe = pipeline("text-generation", model=loaded.model, tokenizer=loaded.tokenizer)
    return pipe(prompt, do_sample=False, max_new_tokens=max_new_tokens, return_full_text=False)[0]["generated_text"]


def test_handler_arguments_follow_the_config_order(client):
    # the handlers name each setting for the API; they must match the order the controls are wired in
    assert list(inspect.signature(text_tab.generate).parameters)[3:-1] == text_tab.SETTINGS + ["precision"]
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    train_lm = endpoints["/train_lm"]["parameters"]
    assert [p["parameter_name"] for p in train_lm] == ["source", "pasted", "uploaded", *text_train.SETTINGS]
    assert all(p["parameter_has_default"] for p in train_lm)  # any of them may be left out


def test_inspecting_a_step_outlines_that_token_and_charts_its_candidates(tiny_folder):
    from playground.text.generate import GenerationConfig, generate_text

    done = generate_text(load_model(tiny_folder), "the dog", GenerationConfig(max_new_tokens=6, num_sequences=2))
    insight = {"prompt": "the dog", "steps": done["steps"]}
    coloured, chart = text_tab.inspect_step(insight, 2, 3)
    chosen = done["steps"][1][2]
    assert coloured.count("outline:") == 1 and f"step 3 · id {chosen['id']}" in coloured
    assert chart.layout.title.text.startswith("Step 3:") and f"{chosen['probability']:.1%}" in chart.layout.title.text
    assert [bar for bar in chart.data[0].y][-1].endswith(f"({chosen['candidates'][0]['id']})")  # likeliest on top


def test_generate_streams_the_pipelines_text_with_probabilities(client, tiny_folder):
    updates, result = generate(client, tiny_folder, "the dog", max_new_tokens=30, greedy=True, top_candidates=5)
    status, info, text, prompt_tokens, coloured, chart, step, sequence = result
    assert status.startswith("✅") and "tokens/s" in status
    assert text == "the dog" + pipeline_continuation(tiny_folder, "the dog", 30)
    assert "M parameters" in info and "cpu" in info and load_model(tiny_folder).precision.describe() in info
    count = len(load_model(tiny_folder).tokenizer("the dog")["input_ids"])
    assert f"{count} tokens:</b>" in latest(updates, 3)  # the prompt's token chips, sent when generation starts
    assert "p = " in coloured  # each token with its probability on hover
    assert step["visible"] and step["maximum"] == coloured.count("p = ")
    assert chart["type"] == "plotly" and '"orientation":"h"' in chart["plot"]
    assert any(str(u[0]).startswith("⏳ Loading") for u in updates)
    assert len(updates) >= 3  # loading, start, ... final


def test_errors_are_one_sentence_and_the_app_keeps_working(client, tiny_folder, tmp_path):
    (tmp_path / "readme.txt").write_text("no model here")
    cases = [
        ("gpt2", "Hello", {}, "Could not load the model 'gpt2'"),
        (str(tmp_path), "Hello", {}, "is not a model this tab can load"),
        (tiny_folder, "   ", {}, "Write a prompt first"),
        (tiny_folder, "the dog", {"max_new_tokens": 100}, "reads at most 64 tokens"),
    ]
    for model, prompt, settings, message in cases:
        _, result = generate(client, model, prompt, **settings)
        assert result[0].startswith("⚠️") and message in result[0], result[0]
    try:  # our own sentence, or gradio's when its slider checks the range first
        message = generate(client, tiny_folder, "the dog", max_new_tokens=10_000)[1][0]
    except AppError as error:
        message = str(error)
    assert "Max new tokens must be between 1 and 512" in message or "greater than maximum value 512" in message
    _, offline = generate(client, "gpt2", "Hello")
    assert "HF_HOME" in offline[0] and "tiny GPT" in offline[0]
    _, result = generate(client, tiny_folder, "the cat", max_new_tokens=5)
    assert result[0].startswith("✅")  # still serving


def test_stop_ends_generation_at_once_and_keeps_the_text(client, tmp_path):
    slow = str(build_tiny_gpt2(tmp_path / "slow", n_positions=1024, width=256, layers=4))
    job = client.submit(model_id=slow, prompt="the dog", max_new_tokens=250, greedy=True, api_name="/generate")
    deadline = time.monotonic() + 120
    while not any(str(u[0]).startswith("✍️ ") and "tokens in" in str(u[0]) for u in job.outputs()):
        assert time.monotonic() < deadline and not job.done(), "no token arrived"
        time.sleep(0.05)
    client.predict(api_name="/stop_generation")
    status, _, text, *_ = job.result()
    assert status.startswith("⏹️ Stopped after"), status
    tokens = int(status.split("after ")[1].split(" ")[0])
    assert 1 <= tokens < 250 and len(text) > len("the dog")


def test_train_the_tiny_gpt_download_it_and_generate_with_it(client):
    job = client.submit(source="Paste text", pasted=stdlib_corpus(20_000), uploaded=None, layers=1, heads=2,
                        embedding_size=32, context_length=32, steps=40, learning_rate=0.01, tokenizer="char",
                        sample_every=20, api_name="/train_lm")
    updates = list(job)
    status, curves, samples, download, menu = job.result()
    assert status.startswith("✅ Trained: 40 steps"), status
    before, after = (float(x) for x in status.split("**")[1].split(" → "))
    assert after < 0.75 * before
    assert {row[2] for row in curves["data"]} == {"training", "held-out"}
    assert [line.split(":")[0] for line in samples.split("\n\n")] == ["step 0", "step 20", "step 40"]
    assert len(updates) >= 3
    assert download["visible"]
    with zipfile.ZipFile(download["value"]) as archive:
        assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(archive.namelist())
    folder = menu["value"]
    assert Path(folder).is_dir() and menu["choices"][-1][1] == folder and menu["choices"][-1][0].startswith("tiny GPT")
    _, result = generate(client, folder, "Return the", max_new_tokens=10)
    assert result[0].startswith("✅") and result[2].startswith("Return the")


def test_train_lm_by_keyword_with_the_rest_at_defaults(client):
    """Two settings named; the built-in text and every other setting as the page shows them."""
    status, curves, samples, download, menu = client.predict(steps=4, sample_every=4, api_name="/train_lm")
    assert status.startswith("✅ Trained: 4 steps"), status
    assert [line.split(":")[0] for line in samples.split("\n\n")] == ["step 0", "step 4"]
    assert Path(menu["value"]).is_dir() and download["visible"]


def test_stop_ends_tiny_gpt_training_and_keeps_the_model(client):
    job = client.submit(steps=5000, sample_every=5000, api_name="/train_lm")
    deadline = time.monotonic() + 120
    def steps_shown(update) -> int:  # the status reads "🏋️ ... · step 12/5000" while it trains
        text = str(update[0])
        return int(text.rsplit("step ", 1)[1].split("/")[0]) if text.startswith("🏋️") and "/5000" in text else 0

    while not any(steps_shown(u) >= 2 for u in job.outputs()):
        assert time.monotonic() < deadline and not job.done(), "no training step arrived"
        time.sleep(0.1)
    client.predict(api_name="/stop_train_lm")
    status, curves, samples, download, menu = job.result()
    assert status.startswith("⏹️ Stopped: "), status
    steps = int(status.split(": ")[1].split(" steps")[0])
    assert 1 <= steps < 5000 and Path(menu["value"]).is_dir() and download["visible"]


def test_text_tab_in_the_browser(page, tiny_folder, screenshot_dir):
    page.get_by_role("tab", name="Text", exact=True).click()
    model_box = page.locator("#text-model input")
    model_box.fill(tiny_folder)
    model_box.press("Enter")
    page.locator("#text-prompt textarea").fill("the dog")
    page.get_by_role("button", name="Generate", exact=True).click()
    page.wait_for_function("document.querySelector('#text-status')?.innerText.includes('tokens/s')",
                           timeout=60_000)
    assert "✅" in page.locator("#text-status").inner_text()
    assert page.locator("#text-output textarea").input_value().startswith("the dog")
    page.screenshot(path=str(screenshot_dir / "text_tab.png"), full_page=True)
    assert page.locator("span[title*='p = ']").count() > 5  # the coloured tokens
    page.wait_for_timeout(500)  # let the chart draw
    page.screenshot(path=str(screenshot_dir / "text_tab.png"), full_page=True)
    assert not [e for e in page.console_errors if "favicon" not in e], page.console_errors
