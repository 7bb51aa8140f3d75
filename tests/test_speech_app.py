"""The Speech tab driven for real: through gradio_client (api_name "transcribe") and in Chromium."""

import numpy as np
import pytest

from playground.speech.audio import load_audio
from playground.speech.recognize import load_recognizer, transcribe
from tests.audio_files import write_wav
from tests.tiny_wav2vec2 import build_tiny_wav2vec2

EXAMPLE = "assets/speech_example.wav"


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return str(build_tiny_wav2vec2(tmp_path_factory.mktemp("tiny-wav2vec2-app")))


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def ask(client, path, model, low_confidence=0.6, chunk_seconds=20, stride_seconds=3):
    from gradio_client import handle_file

    return client.predict(handle_file(str(path)), model, low_confidence, chunk_seconds, stride_seconds,
                          api_name="/transcribe")


def test_transcribe_through_the_api_matches_the_library(client, tiny_folder, tmp_path):
    t = np.arange(48000 * 2) / 48000  # 2 s, 48 kHz stereo int16: what a browser recording might be
    voice = np.sin(2 * np.pi * (120 + 80 * t) * t) * (0.4 + 0.6 * np.abs(np.sin(2 * np.pi * 1.7 * t)))
    samples = np.round(np.stack([voice, 0.8 * voice], axis=1) * 15000).astype(np.int16)
    path = write_wav(tmp_path / "speech.wav", 48000, samples)
    text, marked, plot, status, timings = ask(client, path, tiny_folder, low_confidence=0.15)
    expected = transcribe(load_recognizer(tiny_folder, "cpu"), load_audio(str(path)))
    assert text == expected.text and text.strip()
    assert status.startswith("✅") and "real-time factor" in status
    assert [w["word"] for w in timings["words"]] == text.split() and timings["audio_seconds"] == pytest.approx(2.0)
    unsure = {w["word"] for w in timings["words"] if w["confidence"] < 0.15}
    labelled = [item for item in marked if item.get("class_or_confidence") == "unsure"] if marked else []
    assert {item["token"].strip() for item in labelled} == unsure
    assert plot is not None


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("this is not audio"), "could not be read as audio: it is not an audio file"),
    (lambda p: write_wav(p, 16000, np.zeros(400, dtype=np.int16)), "ms long"),
    (lambda p: write_wav(p, 8000, np.zeros(8000 * 61, dtype=np.int16)), "61.0 s long but the limit is 60 s"),
])
def test_bad_clips_get_one_sentence_and_the_app_keeps_working(client, tiny_folder, tmp_path, make, message):
    make(tmp_path / "clip.wav")
    text, _, _, status, _ = ask(client, tmp_path / "clip.wav", tiny_folder)
    assert text == "" and status.startswith("⚠️") and message in status
    assert ask(client, EXAMPLE, tiny_folder)[3].startswith("✅")  # the next request still works


def test_unreachable_model_and_silence(client, tmp_path):
    text, _, plot, status, _ = ask(client, EXAMPLE, "facebook/wav2vec2-base-960h")  # allowed, but not reachable offline
    assert text == "" and "Could not load the model 'facebook/wav2vec2-base-960h'" in status
    assert plot is not None  # the waveform and spectrogram still show: they need no model
    write_wav(tmp_path / "quiet.wav", 16000, np.zeros(16000, dtype=np.int16))
    text, _, _, status, _ = ask(client, tmp_path / "quiet.wav", "facebook/wav2vec2-base-960h")
    assert "Could not load the model" in status  # the model is checked first, even for silence


def test_speech_tab_in_the_browser(page, tiny_folder, screenshot_dir):
    page.get_by_role("tab", name="Speech").click()
    tab = page.locator("#speech-tab")
    tab.locator("#speech-audio").get_by_label("Upload file").click()  # the microphone is the first source
    tab.locator("#speech-audio input[type=file]").set_input_files(EXAMPLE)
    model = tab.get_by_label("Model")
    model.fill(tiny_folder)
    tab.get_by_role("button", name="Transcribe").click()
    status = page.locator("#speech-status")
    status.filter(has_text="real-time factor").wait_for(timeout=120_000)
    page.locator("#speech-tab .js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.locator("#speech-transcript textarea").input_value().strip()
    page.screenshot(path=str(screenshot_dir / "speech_tab.png"), full_page=True)
    assert not page.console_errors
