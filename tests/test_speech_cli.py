"""`python -m playground transcribe`: the last line is the JSON result; bad input exits 2 with one sentence."""

import json

import numpy as np
import pytest

from playground.speech.audio import load_audio
from playground.speech.recognize import load_recognizer, transcribe
from tests.audio_files import write_wav
from tests.tiny_wav2vec2 import build_tiny_wav2vec2


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return str(build_tiny_wav2vec2(tmp_path_factory.mktemp("tiny-wav2vec2-cli")))


@pytest.fixture(scope="module")
def stereo_wav(tmp_path_factory):
    """1.5 s of a gliding tone with a wobble, 44.1 kHz int16 stereo: not the model's 16 kHz mono."""
    t = np.arange(int(44100 * 1.5)) / 44100
    voice = np.sin(2 * np.pi * (150 + 60 * t) * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    noise = 0.05 * np.random.default_rng(3).standard_normal(len(t))
    samples = np.round(np.stack([voice + noise, 0.5 * voice], axis=1) * 20000).astype(np.int16)
    return write_wav(tmp_path_factory.mktemp("wav") / "stereo.wav", 44100, samples)


def test_transcribe_prints_json_last_matching_the_library(cli, tiny_folder, stereo_wav):
    run = cli("transcribe", str(stereo_wav), "--model", tiny_folder, "--json")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[-1])
    assert {"text", "words", "audio_seconds", "seconds"} <= set(result)
    assert result["audio_seconds"] == pytest.approx(1.5) and result["seconds"] > 0
    expected = transcribe(load_recognizer(tiny_folder, "cpu"), load_audio(str(stereo_wav)))
    assert result["text"] == expected.text and result["text"].strip()
    assert [w["word"] for w in result["words"]] == result["text"].split()
    for word in result["words"]:
        assert set(word) == {"word", "start", "end", "confidence"}
        assert 0 <= word["start"] < word["end"] <= 1.5 and 0 < word["confidence"] <= 1


def test_human_output_still_ends_with_the_json_line(cli, tiny_folder, stereo_wav):
    run = cli("transcribe", str(stereo_wav), "--model", tiny_folder, "--low-confidence", "1")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert lines[0] == result["text"] and "real-time factor" in lines[-2]
    assert sum(line.endswith("  ?") for line in lines) == len(result["words"])  # everything below 1 is marked


def test_non_audio_file_exits_2_with_one_sentence(cli, tmp_path):
    (tmp_path / "notes.wav").write_text("hello")
    run = cli("transcribe", str(tmp_path / "notes.wav"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == ("error: 'notes.wav' could not be read as audio: it is not an audio file (its first "
                                  "bytes match no audio format); upload a WAV, FLAC, OGG (Vorbis or Opus) or MP3 file.")


@pytest.mark.parametrize("make, args, message", [
    (lambda p: write_wav(p, 8000, np.zeros(8000 * 3, dtype=np.int16)), ["--max-seconds", "2"],
     "3.0 s long but the limit is 2 s"),
    (lambda p: write_wav(p, 8000, np.zeros(100, dtype=np.int16)), [], "ms long"),
    (lambda p: write_wav(p, 16000, np.ones(16000, dtype=np.int16)), ["--model", "nobody/missing-model"],
     "Could not load the model 'nobody/missing-model'"),
    (lambda p: write_wav(p, 16000, np.ones(16000, dtype=np.int16)), ["--chunk-seconds", "3", "--stride-seconds", "2"],
     "longer than twice the stride"),
])
def test_bad_input_exits_2_with_one_sentence(capsys, tmp_path, make, args, message):
    """In-process (the same `main` the subprocess runs) to spare a torch import per case."""
    from playground.cli import main

    make(tmp_path / "clip.wav")
    assert main(["transcribe", str(tmp_path / "clip.wav"), *args]) == 2
    error = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and message in error[0]


def test_silent_file_gives_an_empty_transcript(capsys, tiny_folder, tmp_path):
    from playground.cli import main

    write_wav(tmp_path / "quiet.wav", 22050, np.zeros(22050, dtype=np.int16))
    assert main(["transcribe", str(tmp_path / "quiet.wav"), "--model", tiny_folder]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "(no speech recognised: the clip is silent)" and json.loads(lines[-1])["text"] == ""
