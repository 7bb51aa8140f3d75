"""Any audio a user can give -> one clean mono float32 clip at 16 kHz.

Gradio hands over `(rate, int16 array)` shaped `(n,)` or `(n, channels)`, a
file path, or whatever a caller passes: int8/16/32, uint8, float32/64, mono or
stereo, at any rate. `prepare` downmixes, scales integers to [-1, 1], checks the
length (empty, too short, over PLAYGROUND_MAX_AUDIO_SECONDS), resamples with
torchaudio, removes DC and peak-normalises. Near-silence is flagged rather than
normalised: scaling a silent clip up would turn its noise floor into "speech".
"""

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.errors import UserError

TARGET_RATE = 16_000
MIN_SECONDS = 0.1  # the wav2vec2 feature encoder needs at least 400 samples; a tenth of a second is a useful floor
SILENCE_DBFS = -60.0  # below this RMS (after DC removal) a clip counts as silence
MAX_CHANNELS = 16


def max_audio_seconds() -> float:
    """The longest clip accepted; PLAYGROUND_MAX_AUDIO_SECONDS (default 60) keeps a public app's memory bounded."""
    from playground.limits import limit

    return float(limit("audio_seconds"))


def too_long(seconds: float, limit: float) -> UserError:
    return UserError(f"The audio is {seconds:.1f} s long but the limit is {limit:g} s: trim it, or raise the limit "
                     f"with PLAYGROUND_MAX_AUDIO_SECONDS (the CLI also takes --max-seconds).")


@dataclass
class Clip:
    samples: np.ndarray  # mono float32 at `rate`, peak 1 unless silent
    rate: int
    source_rate: int
    channels: int
    silent: bool
    level_dbfs: float  # RMS level before normalising

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


# helpers


def to_float(samples: np.ndarray) -> np.ndarray:
    """Integer or float samples -> float32 in [-1, 1] (integers by their type's full scale)."""
    kind = samples.dtype.kind
    if kind == "u":  # unsigned PCM is centred on half scale (8-bit WAV)
        half = float(np.iinfo(samples.dtype).max + 1) / 2
        return ((samples.astype(np.float64) - half) / half).astype(np.float32)
    if kind == "i":
        return (samples.astype(np.float64) / float(np.iinfo(samples.dtype).max + 1)).astype(np.float32)
    if kind == "f":
        return samples.astype(np.float32)
    raise UserError(f"These are not audio samples (the array holds {samples.dtype} values): give numbers.")


def to_mono(samples: np.ndarray) -> np.ndarray:
    """(n,), (n, channels) as Gradio gives it, or (channels, n) -> (n,) by averaging the channels."""
    if samples.ndim == 1:
        return samples
    if samples.ndim != 2:
        raise UserError(f"Audio must be one channel or (samples, channels); got an array of shape {samples.shape}.")
    rows, cols = samples.shape
    if cols <= MAX_CHANNELS and (rows > cols or rows > MAX_CHANNELS):
        return samples.mean(axis=1)
    if rows <= MAX_CHANNELS:
        return samples.mean(axis=0)
    raise UserError(f"Audio of shape {samples.shape} has more than {MAX_CHANNELS} channels on both axes.")


def channel_count(samples: np.ndarray) -> int:
    return 1 if samples.ndim == 1 else min(samples.shape)


def resample(samples: np.ndarray, rate: int, target: int = TARGET_RATE) -> np.ndarray:
    if rate == target:
        return samples
    import torch
    import torchaudio.functional as F

    return F.resample(torch.from_numpy(np.ascontiguousarray(samples)), rate, target).numpy()


def check_length(frames: int, rate: int, max_seconds: float) -> None:
    seconds = frames / rate
    if frames == 0:
        raise UserError("The recording is empty: record or upload a clip of a second or more.")
    if seconds < MIN_SECONDS:
        raise UserError(f"The recording is only {seconds * 1000:.0f} ms long: record or upload at least "
                        f"{MIN_SECONDS:g} s (a second or more works best).")
    if seconds > max_seconds:
        raise too_long(seconds, max_seconds)


# the entry points


def prepare(rate, samples, *, max_seconds: float | None = None, target_rate: int = TARGET_RATE) -> Clip:
    """`(rate, samples)` in any of the shapes and types above -> a normalised 16 kHz mono Clip."""
    max_seconds = max_audio_seconds() if not max_seconds else max_seconds
    try:
        rate = int(rate)
    except (TypeError, ValueError):
        raise UserError(f"The sample rate must be a whole number of Hz; got '{rate}'.") from None
    if not 1000 <= rate <= 768_000:
        raise UserError(f"A sample rate of {rate} Hz is not audio this app can use (1 kHz to 768 kHz).")
    samples = np.asarray(samples)
    channels = channel_count(samples)
    mono = to_mono(samples) if samples.size else samples.reshape(-1)
    check_length(len(mono), rate, max_seconds)
    mono = to_float(mono) if mono.dtype.kind != "f" else mono.astype(np.float32)
    if not np.isfinite(mono).all():
        raise UserError("The audio holds invalid samples (NaN or infinity): export it again and retry.")
    mono = resample(mono, rate, target_rate).astype(np.float32)
    mono = mono - mono.mean()
    rms = float(np.sqrt(np.mean(np.square(mono, dtype=np.float64))))
    level = 20 * math.log10(rms) if rms > 0 else -math.inf
    silent = level < SILENCE_DBFS
    if not silent:
        mono = mono / np.abs(mono).max()
    return Clip(np.ascontiguousarray(mono, dtype=np.float32), target_rate, rate, channels, silent, level)


def load_audio(value, *, max_seconds: float | None = None) -> Clip:
    """A Gradio value (file path or `(rate, array)`), or a path from the CLI -> Clip."""
    if value is None:
        raise UserError("No audio yet: record with the microphone or upload a WAV file first.")
    if isinstance(value, dict) and "path" in value:  # a FileData-like dict from an API caller
        value = value["path"]
    if isinstance(value, (str, Path)):
        max_seconds = max_audio_seconds() if not max_seconds else max_seconds
        rate, samples = read_audio_file(value, max_seconds=max_seconds)
        return prepare(rate, samples, max_seconds=max_seconds)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        rate, samples = value
        return prepare(rate, samples, max_seconds=max_seconds)
    raise UserError(f"Audio must be a file or (sample rate, samples); got {type(value).__name__}.")


def audio_container(head: bytes) -> str | None:
    """The kind of audio file its first bytes announce (wav, ogg, flac, mp3, webm, mp4), else None."""
    if head[:4] in (b"RIFF", b"RF64"):
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def read_audio_file(path, *, max_seconds: float) -> tuple[int, np.ndarray]:
    """WAV through our own reader; other audio through pydub (installed with Gradio), which needs ffmpeg.

    The first bytes decide, not the name: a browser may hand over a recording named .wav that is really WebM,
    and a file that is no kind of audio is refused here rather than handed to a decoder.
    """
    from playground.speech.wavfile import read_wav

    path = Path(path)
    if not path.is_file():
        raise UserError(f"There is no audio file at '{path}'.")
    with open(path, "rb") as handle:
        kind = audio_container(handle.read(12))
    if kind == "wav":
        return read_wav(path, max_seconds=max_seconds)
    if kind is None:
        if path.suffix.lower() == ".wav":
            read_wav(path)  # raises the WAV reader's own sentence (no RIFF/WAVE header)
        raise UserError(f"'{path.name}' could not be read as audio: it is not an audio file (its first bytes match "
                        f"no audio format). Upload a WAV file (MP3, OGG and FLAC also work when ffmpeg is installed).")
    try:
        with warnings.catch_warnings():  # pydub warns at import when ffmpeg is missing; our message says it better
            warnings.simplefilter("ignore")
            from pydub import AudioSegment

            segment = AudioSegment.from_file(str(path))
        samples = np.array(segment.get_array_of_samples())
        return segment.frame_rate, samples.reshape(-1, segment.channels) if segment.channels > 1 else samples
    except Exception:  # pydub raises many kinds (and a missing ffmpeg is one): all mean "could not decode this"
        raise UserError(f"'{path.name}' could not be read as audio ({kind}): upload a WAV file (MP3, OGG and FLAC "
                        f"also work when ffmpeg is installed).") from None
