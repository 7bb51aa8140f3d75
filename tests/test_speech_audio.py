"""Audio in every form a user can give becomes one clean 16 kHz clip, or one clear sentence; WAV, FLAC, OGG and
MP3 files read through libsndfile, length checked from the header; the spectrogram's time axis spans the clip."""

import struct

import numpy as np
import pytest

from playground.errors import UserError
from playground.speech.audio import MIN_SECONDS, TARGET_RATE, load_audio, prepare
from playground.speech.spectrogram import MAX_COLUMNS, figure, log_mel
from tests.audio_files import write_audio, write_wav


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


# audio files


@pytest.mark.parametrize("dtype, bits", [("int16", None), ("int32", None), ("uint8", None), ("float32", None),
                                         ("int32", 24)])
@pytest.mark.parametrize("channels", [1, 2])
def test_wav_in_every_sample_format_reads_back_as_the_same_signal(tmp_path, dtype, bits, channels):
    signal = tone(22050, 0.3)
    samples = (128 + np.round(signal * 127)).astype(np.uint8) if dtype == "uint8" else as_dtype(signal, dtype)
    if channels == 2:
        samples = np.stack([samples, samples], axis=1)
    clip = load_audio(str(write_wav(tmp_path / "x.wav", 22050, samples, bits=bits)))
    assert clip.channels == channels and clip.source_rate == 22050
    assert abs(len(clip.samples) - 0.3 * TARGET_RATE) <= 1
    assert np.allclose(clip.samples, prepare(22050, signal).samples, atol=0.02)  # the tone, whatever the format


@pytest.mark.parametrize("format, subtype, rate", [("FLAC", "PCM_16", 44100), ("FLAC", "PCM_24", 16000),
                                                   ("OGG", "VORBIS", 22050), ("OGG", "OPUS", 48000),
                                                   ("MP3", "MPEG_LAYER_III", 44100)])
def test_flac_ogg_and_mp3_are_read_without_ffmpeg(tmp_path, format, subtype, rate):
    left, right = tone(rate, 1.0, freq=440), tone(rate, 1.0, freq=440, amplitude=0.3)
    path = write_audio(tmp_path / f"clip.{format.lower()}", rate, np.stack([left, right], axis=1), format=format,
                       subtype=subtype)
    clip = load_audio(str(path))
    assert clip.source_rate == rate and clip.channels == 2 and not clip.silent
    assert abs(clip.seconds - 1.0) < 0.06  # lossy codecs pad a few milliseconds
    assert abs(dominant_hz(clip.samples) - 440) < 4


def test_the_length_limit_is_checked_from_the_header_before_decoding(tmp_path, monkeypatch):
    import soundfile

    path = write_audio(tmp_path / "long.flac", 8000, np.zeros(8000 * 5, dtype=np.int16), format="FLAC")
    monkeypatch.setattr(soundfile.SoundFile, "blocks", lambda *a, **k: pytest.fail("decoded a too-long file"))
    with pytest.raises(UserError, match="5.0 s long but the limit is 2 s"):
        load_audio(str(path), max_seconds=2)


def test_a_file_of_unknown_length_is_decoded_only_up_to_the_limit(tmp_path, monkeypatch):
    """A FLAC whose header leaves the length out (as a streaming encoder may) is decoded a second at a time and
    refused as soon as it passes the limit: 2 s + 1 frame decoded of its 5 s."""
    import soundfile

    noise = np.random.default_rng(0).normal(0, 0.1, 8000 * 5).astype(np.float32)
    path = write_audio(tmp_path / "stream.flac", 8000, noise, format="FLAC")
    raw = bytearray(path.read_bytes())
    raw[21] &= 0xF0  # STREAMINFO's 36-bit total-samples field: zero means unknown
    raw[22:26] = bytes(4)
    path.write_bytes(bytes(raw))
    decoded, blocks = [], soundfile.SoundFile.blocks
    monkeypatch.setattr(soundfile.SoundFile, "blocks",
                        lambda self, *a, **k: (decoded.append(len(b)) or b for b in blocks(self, *a, **k)))
    with pytest.raises(UserError, match="long but the limit is 2 s"):
        load_audio(str(path), max_seconds=2)
    assert sum(decoded) == 8000 * 2 + 1


def wav_header(bits: int, channels: int = 1, rate: int = 16000, data: bytes = bytes(3200)) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * bits // 8, channels * bits // 8, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize("name, content, message", [
    ("zero-bits.wav", wav_header(bits=0), r"'zero-bits.wav' could not be read as WAV audio \(.+\): upload a WAV, "
                                          r"FLAC, OGG \(Vorbis or Opus\) or MP3 file\.$"),
    ("many.wav", wav_header(bits=16, channels=40), "40 channels at 16000 Hz, which is not audio this app can use"),
    ("truncated.flac", b"fLaC" + bytes(40), "'truncated.flac' could not be read as FLAC audio"),
    ("notes.wav", b"not a recording", "'notes.wav' could not be read as audio: it is not an audio file"),
    ("song.mp3", b"\x00" * 4000, "'song.mp3' could not be read as audio: it is not an audio file"),
    ("voice.m4a", b"\x00\x00\x00\x20ftypM4A " + bytes(64), "'voice.m4a' is MP4/M4A audio, which this app can't "
                                                          "decode: upload a WAV, FLAC, OGG"),
    ("take.webm", b"\x1a\x45\xdf\xa3" + bytes(64), "'take.webm' is WebM audio, which this app can't decode"),
])
def test_broken_or_foreign_files_get_one_sentence(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UserError, match=message) as refused:
        load_audio(str(tmp_path / name))
    assert str(refused.value).count(". ") == 0 and "\n" not in str(refused.value)  # one sentence


def test_a_missing_file_is_named():
    with pytest.raises(UserError, match="no audio file"):
        load_audio("/nowhere/missing.wav")


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
