"""Audio in every form a user can give becomes one clean 16 kHz clip, or one clear sentence; WAV read/write;
the spectrogram's time axis spans the clip."""

import struct

import numpy as np
import pytest

from playground.errors import UserError
from playground.speech.audio import MIN_SECONDS, TARGET_RATE, load_audio, prepare
from playground.speech.spectrogram import MAX_COLUMNS, figure, log_mel
from playground.speech.wavfile import read_wav, write_wav


def tone(rate, seconds=0.5, freq=440.0, amplitude=0.5):
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def as_dtype(signal, dtype):
    if np.dtype(dtype).kind == "f":
        return signal.astype(dtype)
    return np.round(signal * np.iinfo(dtype).max).astype(dtype)


def dominant_hz(samples, rate=TARGET_RATE):
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()]


# conversion


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
@pytest.mark.parametrize("dtype", ["int16", "int32", "float32", "float64"])
def test_any_rate_and_type_becomes_normalised_16k_mono_with_the_same_pitch(rate, dtype):
    clip = prepare(rate, as_dtype(tone(rate), dtype))
    assert clip.rate == TARGET_RATE and clip.source_rate == rate and clip.samples.dtype == np.float32
    assert abs(len(clip.samples) - TARGET_RATE * 0.5) <= 1
    assert np.abs(clip.samples).max() == pytest.approx(1.0)  # peak-normalised
    assert abs(clip.samples.mean()) < 1e-3  # DC removed
    assert abs(dominant_hz(clip.samples) - 440) < 4  # resampling kept the pitch
    assert not clip.silent and clip.level_dbfs == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.5)


def test_stereo_as_gradio_gives_it_is_averaged_and_either_layout_works():
    left, right = as_dtype(tone(44100, freq=440), "int16"), np.zeros(22050, dtype=np.int16)
    gradio_layout = np.stack([left, right], axis=1)  # (samples, channels), what gr.Audio(type="numpy") returns
    a, b = prepare(44100, gradio_layout), prepare(44100, gradio_layout.T)
    assert a.channels == 2 and np.allclose(a.samples, b.samples)
    assert np.allclose(a.samples, prepare(44100, left).samples, atol=1e-4)  # mean of a tone and silence is the tone
    assert abs(dominant_hz(a.samples) - 440) < 4


def test_unsigned_8_bit_is_centred():
    clip = prepare(8000, (128 + np.round(tone(8000) * 127)).astype(np.uint8))
    assert abs(dominant_hz(clip.samples) - 440) < 4 and abs(clip.samples.mean()) < 1e-3


def test_silence_and_near_silence_are_flagged_not_amplified():
    assert prepare(16000, np.zeros(16000, dtype=np.int16)).silent
    hiss = prepare(16000, np.random.default_rng(0).normal(0, 1e-4, 16000))  # -80 dBFS
    assert hiss.silent and np.abs(hiss.samples).max() < 1e-3
    assert not prepare(16000, np.random.default_rng(0).normal(0, 1e-2, 16000)).silent  # -40 dBFS is sound


@pytest.mark.parametrize("samples, message", [
    (np.zeros(0, dtype=np.int16), "empty"),
    (np.zeros((0, 2), dtype=np.int16), "empty"),
    (np.ones(int(16000 * MIN_SECONDS) - 10, dtype=np.int16), "ms long"),
    (np.array(["a", "b"] * 8000), "not audio samples"),
    (np.full(16000, np.nan), "NaN"),
    (np.zeros((16000, 2, 2)), "shape"),
])
def test_bad_clips_get_one_clear_sentence(samples, message):
    with pytest.raises(UserError, match=message):
        prepare(16000, samples)


def test_over_long_clip_is_refused_with_the_limit_named(monkeypatch):
    with pytest.raises(UserError, match=r"2\.0 s long but the limit is 1 s"):
        prepare(8000, np.zeros(16000, dtype=np.int16), max_seconds=1)
    monkeypatch.setenv("PLAYGROUND_MAX_AUDIO_SECONDS", "1.5")
    with pytest.raises(UserError, match="PLAYGROUND_MAX_AUDIO_SECONDS"):
        prepare(8000, np.zeros(16000, dtype=np.int16))
    assert prepare(8000, as_dtype(tone(8000, seconds=1.4), "int16")).seconds == pytest.approx(1.4)


def test_bad_rates_and_missing_audio_are_refused():
    with pytest.raises(UserError, match="sample rate"):
        prepare(0, tone(16000))
    with pytest.raises(UserError, match="No audio yet"):
        load_audio(None)


# WAV files


@pytest.mark.parametrize("dtype, bits", [("int16", None), ("int32", None), ("uint8", None), ("float32", None),
                                         ("int32", 24)])
@pytest.mark.parametrize("channels", [1, 2])
def test_wav_round_trip_every_sample_format(tmp_path, dtype, bits, channels):
    signal = tone(22050, 0.3)
    samples = (128 + np.round(signal * 127)).astype(np.uint8) if dtype == "uint8" else as_dtype(signal, dtype)
    if bits == 24:
        samples = samples & ~0xFF  # 24 bits keep the top three bytes
    if channels == 2:
        samples = np.stack([samples, samples[::-1]], axis=1)
    rate, back = read_wav(write_wav(tmp_path / "x.wav", 22050, samples, bits=bits))
    assert rate == 22050 and back.dtype == samples.dtype and np.array_equal(back, samples)
    clip = load_audio(str(tmp_path / "x.wav"))
    assert clip.channels == channels and abs(len(clip.samples) - 0.3 * TARGET_RATE) <= 1


def test_wave_format_extensible_and_unknown_chunks_are_read(tmp_path):
    samples = as_dtype(tone(16000), "int16")
    fmt = struct.pack("<HHIIHH", 0xFFFE, 1, 16000, 32000, 2, 16) + struct.pack("<HHI", 22, 16, 4)
    fmt += struct.pack("<H", 1) + bytes(14)  # sub-format GUID starting with PCM's tag
    body = b"WAVE" + b"LIST" + struct.pack("<I", 3) + b"abc\0" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", samples.nbytes) + samples.tobytes()
    (tmp_path / "ext.wav").write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    rate, back = read_wav(tmp_path / "ext.wav")
    assert rate == 16000 and np.array_equal(back, samples)


def test_files_that_are_not_audio_or_too_long_get_clear_messages(tmp_path):
    (tmp_path / "notes.wav").write_text("not a recording")
    (tmp_path / "song.mp3").write_bytes(b"\x00" * 4000)
    with pytest.raises(UserError, match="'notes.wav' is not a WAV file"):
        load_audio(str(tmp_path / "notes.wav"))
    with pytest.raises(UserError, match="'song.mp3' could not be read as audio"):
        load_audio(str(tmp_path / "song.mp3"))
    with pytest.raises(UserError, match="no audio file"):
        load_audio(str(tmp_path / "missing.wav"))
    write_wav(tmp_path / "long.wav", 8000, np.zeros(8000 * 5, dtype=np.int16))
    with pytest.raises(UserError, match="5.0 s long but the limit is 2 s"):
        load_audio(str(tmp_path / "long.wav"), max_seconds=2)


# spectrogram


@pytest.mark.parametrize("seconds", [0.37, 3.0, 30.0])
def test_spectrogram_time_axis_spans_the_clip(seconds):
    samples = np.random.default_rng(1).normal(0, 0.1, int(TARGET_RATE * seconds)).astype(np.float32)
    decibels, times, centres = log_mel(samples)
    assert decibels.shape == (80, len(times)) and abs(times[-1] - seconds) <= 0.01 and times[0] == 0
    assert np.all(np.diff(centres) > 0) and centres[-1] < TARGET_RATE / 2
    fig = figure(samples)
    heatmap = next(trace for trace in fig.data if trace.type == "heatmap")
    assert len(heatmap.x) <= MAX_COLUMNS and heatmap.x[0] >= 0 and abs(heatmap.x[-1] - seconds) <= seconds / 100 + 0.01
    assert tuple(fig.layout.xaxis2.range) == (0, pytest.approx(seconds))


def test_spectrogram_shows_where_the_energy_is():
    samples = np.concatenate([np.zeros(8000), tone(16000, 0.5, freq=1000)]).astype(np.float32)
    decibels, times, centres = log_mel(samples)
    loud = decibels.mean(axis=0) > decibels.mean()
    assert times[loud].min() == pytest.approx(0.5, abs=0.03)  # the tone starts half-way
    band = decibels[:, times > 0.6].mean(axis=1).argmax()
    assert 800 < centres[band] < 1250  # and sits at 1 kHz
