"""Any audio a user can give -> one clean mono float32 clip at 16 kHz.

Gradio hands over `(rate, int16 array)` shaped `(n,)` or `(n, channels)`, a
file path (WAV, FLAC, OGG or MP3, decoded by libsndfile through `soundfile`,
header first), or whatever a caller passes: int8/16/32, uint8, float32/64, mono or
stereo, at any rate. `prepare` downmixes, scales integers to [-1, 1], checks the
length (empty, too short, over PLAYGROUND_MAX_AUDIO_SECONDS), resamples with
torchaudio, removes DC and peak-normalises. Near-silence is flagged rather than
normalised: scaling a silent clip up would turn its noise floor into "speech".
"""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground import i18n
from playground.errors import UserError

TARGET_RATE = 16_000
MIN_SECONDS = 0.1  # the wav2vec2 feature encoder needs at least 400 samples; a tenth of a second is a useful floor
SILENCE_DBFS = -60.0  # below this RMS (after DC removal) a clip counts as silence
MAX_CHANNELS = 16
MAX_RATE = 768_000
ACCEPTED = "errors.audio.accepted"  # what libsndfile decodes here, as a sentence says it (a catalogue key)


def max_audio_seconds() -> float:
    """The longest clip accepted; PLAYGROUND_MAX_AUDIO_SECONDS (default 60) keeps a public app's memory bounded."""
    from playground.limits import limit

    return float(limit("audio_seconds"))


def too_long(seconds: float, limit: float) -> UserError:
    return UserError(i18n.t("errors.audio.too_long", seconds=seconds, limit=limit))


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
    raise UserError(i18n.t("errors.audio.not_numbers", dtype=samples.dtype))


def to_mono(samples: np.ndarray) -> np.ndarray:
    """(n,), (n, channels) as Gradio gives it, or (channels, n) -> (n,) by averaging the channels."""
    if samples.ndim == 1:
        return samples
    if samples.ndim != 2:
        raise UserError(i18n.t("errors.audio.bad_shape", shape=samples.shape))
    rows, cols = samples.shape
    if cols <= MAX_CHANNELS and (rows > cols or rows > MAX_CHANNELS):
        return samples.mean(axis=1)
    if rows <= MAX_CHANNELS:
        return samples.mean(axis=0)
    raise UserError(i18n.t("errors.audio.too_many_channels", shape=samples.shape, most=MAX_CHANNELS))


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
        raise UserError(i18n.t("errors.audio.empty"))
    if seconds < MIN_SECONDS:
        raise UserError(i18n.t("errors.audio.too_short", ms=seconds * 1000, least=MIN_SECONDS))
    if seconds > max_seconds:
        raise too_long(seconds, max_seconds)


# the entry points


def prepare(rate, samples, *, max_seconds: float | None = None, target_rate: int = TARGET_RATE,
            channels: int | None = None) -> Clip:
    """`(rate, samples)` in any of the shapes and types above -> a normalised 16 kHz mono Clip.
    `channels`: how many the samples had before someone else averaged them (a file read here)."""
    max_seconds = max_audio_seconds() if not max_seconds else max_seconds
    try:
        rate = int(rate)
    except (TypeError, ValueError):
        raise UserError(i18n.t("errors.audio.rate_not_whole", rate=rate)) from None
    if not 1000 <= rate <= MAX_RATE:
        raise UserError(i18n.t("errors.audio.rate_range", rate=rate))
    samples = np.asarray(samples)
    channels = channel_count(samples) if channels is None else channels
    mono = to_mono(samples) if samples.size else samples.reshape(-1)
    check_length(len(mono), rate, max_seconds)
    mono = to_float(mono) if mono.dtype.kind != "f" else mono.astype(np.float32)
    if not np.isfinite(mono).all():
        raise UserError(i18n.t("errors.audio.not_finite"))
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
        raise UserError(i18n.t("errors.audio.none_yet", accepted=i18n.t(ACCEPTED)))
    if isinstance(value, dict) and "path" in value:  # a FileData-like dict from an API caller
        value = value["path"]
    if isinstance(value, (str, Path)):
        max_seconds = max_audio_seconds() if not max_seconds else max_seconds
        rate, samples, channels = read_audio_file(value, max_seconds=max_seconds)
        return prepare(rate, samples, max_seconds=max_seconds, channels=channels)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        rate, samples = value
        return prepare(rate, samples, max_seconds=max_seconds)
    raise UserError(i18n.t("errors.audio.bad_value", kind=type(value).__name__))


def audio_container(head: bytes) -> str | None:
    """The kind of audio file its first bytes announce (wav, ogg, flac, aiff, mp3, webm, mp4), else None."""
    if head[:4] in (b"RIFF", b"RF64"):
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def _cannot_read(path: Path, kind: str | None, reason: str) -> UserError:
    if kind is None:
        return UserError(i18n.t("errors.audio.not_audio", name=path.name, accepted=i18n.t(ACCEPTED)))
    return UserError(i18n.t("errors.audio.unreadable", name=path.name, kind=kind.upper(), reason=reason[:80],
                            accepted=i18n.t(ACCEPTED)))


def read_audio_file(path, *, max_seconds: float) -> tuple[int, np.ndarray, int]:
    """(rate, mono float32 samples, channels) of an audio file, decoded by libsndfile (through `soundfile`).

    The header is read first, so a file whose header says it is too long, or has a rate or channel count
    no recording has, is refused before a sample is decoded; then at most the limit plus one frame is
    decoded, a second at a time, each block averaged to mono as it comes, so a file that lies about its
    length is caught too. The first bytes, not the name, decide what the file is: no known kind, or WebM
    and MP4, which libsndfile can't decode, are refused before it sees them.
    """
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise UserError(i18n.t("errors.audio.no_file", path=path))
    with open(path, "rb") as handle:
        kind = audio_container(handle.read(12))
    if kind is None:  # libsndfile would try its luck (an executable "decodes" as MP3 noise): refuse first
        raise _cannot_read(path, kind, "")
    if kind in ("webm", "mp4"):
        raise UserError(i18n.t("errors.audio.cannot_decode", name=path.name,
                               kind='WebM' if kind == 'webm' else 'MP4/M4A', accepted=i18n.t(ACCEPTED)))
    try:
        with soundfile.SoundFile(str(path)) as audio:
            rate, channels, frames = audio.samplerate, audio.channels, audio.frames
            if not 1000 <= rate <= MAX_RATE or not 1 <= channels <= MAX_CHANNELS:
                raise UserError(i18n.t("errors.audio.bad_header", name=path.name, channels=channels, rate=rate,
                                       most=MAX_CHANNELS, top=MAX_RATE // 1000))
            if 0 < frames < 2**62:  # a known length; streams report a huge one
                check_length(frames, rate, max_seconds)
            most = int(max_seconds * rate) + 1
            blocks = [block.mean(axis=1, dtype=np.float32) for block in
                      audio.blocks(blocksize=rate, dtype="float32", always_2d=True, frames=most)]
    except UserError:
        raise
    except (RuntimeError, ValueError, TypeError, OSError, MemoryError) as error:  # LibsndfileError is a RuntimeError
        raise _cannot_read(path, kind, str(error).split(": ", 1)[-1]) from None
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    if len(samples) >= most:
        raise too_long(len(samples) / rate, max_seconds)  # the header understated it
    return rate, samples, channels
