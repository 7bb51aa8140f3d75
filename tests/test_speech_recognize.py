"""Our CTC recognition against transformers' ASR pipeline on a tiny Wav2Vec2ForCTC built here (nothing downloaded),
plus word timings, silence, chunking and model loading errors."""

import numpy as np
import pytest

from playground import hub
from playground.errors import UserError
from playground.speech import ctc
from playground.speech.audio import prepare
from playground.speech.recognize import SpeechConfig, checked, load_recognizer, transcribe, windows
from playground.speech.spectrogram import figure
from tests.tiny_wav2vec2 import build_processor, build_tiny_wav2vec2


def babble(seconds, seed=0, rate=16000):
    """Speech-like test audio: a gliding harmonic tone whose loudness rises and falls, plus a little noise."""
    t = np.arange(int(rate * seconds)) / rate
    pitch = 2 * np.pi * (140 + 40 * np.sin(2 * np.pi * 0.7 * t)).cumsum() / rate
    voice = sum(np.sin(k * pitch) / k for k in range(1, 12)) * (0.6 + 0.4 * np.sin(2 * np.pi * 2.3 * t))
    return (0.3 * voice + 0.02 * np.random.default_rng(seed).standard_normal(len(t))).astype(np.float32)


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return str(build_tiny_wav2vec2(tmp_path_factory.mktemp("tiny-wav2vec2")))


@pytest.fixture(scope="module")
def asr(tiny_folder):
    from transformers import pipeline

    return pipeline("automatic-speech-recognition", model=tiny_folder, device="cpu")


@pytest.fixture(scope="module")
def recognizer(tiny_folder):
    return load_recognizer(tiny_folder, "cpu", "float32")  # the pipeline runs float32 (bfloat16: test_precision.py)


def test_transcript_equals_the_pipeline_and_is_not_trivial(recognizer, asr):
    clip = prepare(16000, babble(2.0))
    ours = transcribe(recognizer, clip)
    theirs = asr(clip.samples.copy())["text"]  # the same mono 16 kHz float32 the model sees
    assert ours.text == theirs
    assert len(ours.words) >= 3 and len(ours.text.replace(" ", "")) >= 6
    assert [w.word for w in ours.words] == ours.text.split()


def test_chunked_transcript_equals_the_pipeline_chunked(recognizer, asr):
    clip = prepare(16000, babble(7.0, seed=1))
    seen = []
    config = SpeechConfig(chunk_seconds=2.0, stride_seconds=0.5)
    ours = transcribe(recognizer, clip, config, on_chunk=lambda done, total: seen.append((done, total)))
    theirs = asr(clip.samples.copy(), chunk_length_s=2.0, stride_length_s=0.5, return_timestamps="word")
    assert len(seen) == 6 and seen[-1] == (6, 6)  # windows start every 1 s; the one at 5 s reaches the end
    assert ours.text == theirs["text"] and len(ours.words) >= 10
    # the timings pin every join: one frame dropped or doubled at a seam shifts all the words after it
    assert [(w.word, round(w.start, 2), round(w.end, 2)) for w in ours.words] == \
        [(c["text"], round(c["timestamp"][0], 2), round(c["timestamp"][1], 2)) for c in theirs["chunks"]]


def test_word_timings_match_the_pipeline_and_stay_inside_the_clip(recognizer, asr):
    clip = prepare(16000, babble(3.0, seed=2))
    ours = transcribe(recognizer, clip)
    theirs = asr(clip.samples.copy(), return_timestamps="word")["chunks"]
    assert [(w.word, w.start, w.end) for w in ours.words] == \
        [(c["text"], pytest.approx(c["timestamp"][0]), pytest.approx(c["timestamp"][1])) for c in theirs]
    starts = [w.start for w in ours.words]
    assert starts == sorted(starts)
    for word, after in zip(ours.words, ours.words[1:] + [None]):
        assert 0 <= word.start < word.end <= clip.seconds and 0 < word.confidence <= 1
        assert after is None or word.end <= after.start
    assert ours.audio_seconds == pytest.approx(3.0) and ours.seconds > 0 and ours.real_time_factor > 0


def test_words_land_on_the_spectrogram_time_axis(recognizer):
    clip = prepare(16000, babble(2.0))
    result = transcribe(recognizer, clip)
    fig = figure(clip.samples, clip.rate, result.words, low_confidence=0.5)
    labels = [a for a in fig.layout.annotations if a.text in {w.word for w in result.words}]
    assert len(labels) == len(result.words)
    assert all(0 <= a.x <= clip.seconds for a in labels)
    assert len(fig.layout.shapes) == 2 * len(result.words)  # one span in each panel


def test_silence_gives_an_empty_transcript(recognizer):
    result = transcribe(recognizer, prepare(16000, np.zeros(16000, dtype=np.int16)))
    assert result.text == "" and result.words == [] and result.note == "silence"


def test_input_types_reach_the_same_transcript(recognizer):
    signal = babble(1.5)
    reference = transcribe(recognizer, prepare(16000, signal)).text
    as_int32 = np.round(signal / np.abs(signal).max() * 2**30).astype(np.int32)
    stereo_int16 = np.stack([np.round(signal * 32767).astype(np.int16)] * 2, axis=1)
    assert transcribe(recognizer, prepare(16000, as_int32)).text == reference
    assert transcribe(recognizer, prepare(16000, stereo_int16)).text == reference
    assert transcribe(recognizer, prepare(16000, signal.astype(np.float64))).text == reference


# the decoding on its own


def test_greedy_ctc_merges_repeats_drops_blanks_and_times_words():
    tokens = ["<pad>", "|", "h", "i", "l", "o"]
    #          0    1  2  3  4  5  6  7  8  9  10 11
    frames = [0, 2, 2, 3, 1, 4, 0, 4, 5, 5, 0, 0]  # "hi" then "llo": a blank keeps the two l's apart
    probs = [0.9, 0.8, 0.6, 0.7, 0.9, 0.5, 0.9, 0.7, 0.9, 0.3, 0.9, 0.9]
    words = ctc.words_from_frames(frames, probs, tokens, blank_id=0, seconds_per_frame=0.02, duration=0.24)
    assert [(w.word, w.start, w.end) for w in words] == [("hi", 0.02, pytest.approx(0.08)),
                                                        ("llo", 0.10, pytest.approx(0.20))]
    assert words[0].confidence == pytest.approx(np.mean([0.8, 0.6, 0.7]))
    assert words[1].confidence == pytest.approx(np.mean([0.5, 0.7, 0.9, 0.3]))


def test_sentencepiece_style_word_starts():
    tokens = ["<blank>", "\u2581he", "llo", "\u2581you"]
    words = ctc.words_from_frames([1, 2, 0, 3], [1.0] * 4, tokens, blank_id=0, seconds_per_frame=0.04, duration=1)
    assert [w.word for w in words] == ["hello", "you"]


def test_windows_cover_the_clip_like_the_pipeline():
    parts = list(windows(100, 40, 5))
    assert parts[0] == (0, 40, 0, 5) and parts[-1][1] == 100 and parts[-1][3] == 0
    kept = [(start + left, stop - right) for start, stop, left, right in parts]
    assert kept[0][0] == 0 and kept[-1][1] == 100 and all(a[1] == b[0] for a, b in zip(kept, kept[1:]))


# loading and settings


def test_model_is_loaded_once(tiny_folder, recognizer):
    assert load_recognizer(tiny_folder, "cpu", "float32") is recognizer


def test_unreachable_model_gives_one_clear_sentence(tmp_path):
    with pytest.raises(UserError, match="Could not load the model 'nobody/no-such-speech-model'.*local model folder"):
        load_recognizer("nobody/no-such-speech-model", "cpu")
    (tmp_path / "config.json").write_text('{"model_type": "gpt2"}')
    with pytest.raises(UserError, match="has no speech processor.*choose a CTC speech model"):
        load_recognizer(str(tmp_path), "cpu")
    build_processor(tmp_path)  # a speech processor, but the weights are a text model's: not CTC
    with pytest.raises(UserError, match="not a model this tab can load"):
        load_recognizer(str(tmp_path), "cpu")
    assert all(model_id != str(tmp_path) for _, model_id in hub.cached_models())


def test_settings_are_checked():
    with pytest.raises(UserError, match="longer than twice the stride"):
        checked(SpeechConfig(chunk_seconds=4, stride_seconds=2))
    with pytest.raises(UserError, match="between 2.0 and 60.0"):
        checked(SpeechConfig(chunk_seconds=1))
