"""Audio files made on the spot for the speech tests, written by libsndfile (`soundfile`), the library the app
reads them with: WAV in every common sample format, FLAC, OGG and MP3."""

from pathlib import Path

import numpy as np

WAV_SUBTYPES = {"int16": "PCM_16", "int32": "PCM_32", "uint8": "PCM_U8", "float32": "FLOAT", "float64": "DOUBLE"}


def write_wav(path, rate: int, samples: np.ndarray, *, bits: int | None = None) -> Path:
    """`(n,)` or `(n, channels)` samples as a WAV whose sample format follows their type; `bits=24` packs int32
    into 24-bit PCM (the low byte is dropped), uint8 is unsigned 8-bit PCM centred on 128."""
    samples = np.asarray(samples)
    subtype = "PCM_24" if bits == 24 else WAV_SUBTYPES[samples.dtype.name]
    if samples.dtype == np.uint8:  # soundfile takes int16 for 8-bit PCM: the same values, shifted and scaled
        samples = ((samples.astype(np.int16) - 128) << 8).astype(np.int16)
    return write_audio(path, rate, samples, format="WAV", subtype=subtype)


def write_audio(path, rate: int, samples: np.ndarray, *, format: str, subtype: str | None = None) -> Path:
    import soundfile

    soundfile.write(str(path), samples, rate, format=format, subtype=subtype)
    return Path(path)
