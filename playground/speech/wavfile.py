"""Read and write WAV files with the standard library only (no ffmpeg, no torchcodec).

Python's `wave` module reads integer PCM but refuses 32-bit float and the
WAVE_FORMAT_EXTENSIBLE header that many recorders write, so this walks the RIFF
chunks itself with `struct`. It reads 8-, 16-, 24- and 32-bit PCM and 32/64-bit
float, and returns `(rate, samples)` shaped like Gradio's: `(n,)` for mono,
`(n, channels)` otherwise. The header is read first, so an over-long file is
refused before its samples are loaded.
"""

import struct
import wave
from pathlib import Path

import numpy as np

from playground.errors import UserError

PCM, FLOAT, EXTENSIBLE = 1, 3, 0xFFFE


def _not_wav(path, why: str) -> UserError:
    return UserError(f"'{Path(path).name}' is not a WAV file this app can read ({why}): use a WAV recording "
                     f"(PCM or float samples), or record one with the microphone.")


def read_header(handle, path):
    """Walk the RIFF chunks up to 'data'; return (format, channels, rate, bits, data_offset, data_bytes)."""
    riff = handle.read(12)
    if len(riff) < 12 or riff[:4] not in (b"RIFF", b"RF64") or riff[8:12] != b"WAVE":
        raise _not_wav(path, "no RIFF/WAVE header")
    fmt = None
    while True:
        head = handle.read(8)
        if len(head) < 8:
            raise _not_wav(path, "no audio data chunk")
        chunk_id, size = head[:4], struct.unpack("<I", head[4:])[0]
        if chunk_id == b"fmt ":
            body = handle.read(size + (size & 1))
            if len(body) < 16:
                raise _not_wav(path, "a broken format chunk")
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]  # first two bytes of the sub-format GUID
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise _not_wav(path, "audio data before its format")
            offset = handle.tell()
            available = Path(path).stat().st_size - offset
            # streaming recorders leave the size at 0 or 0xFFFFFFFF: take the rest of the file
            data_bytes = available if size in (0, 0xFFFFFFFF) or size > available else size
            return (*fmt, offset, data_bytes)
        else:
            handle.seek(size + (size & 1), 1)


def _decode(raw: bytes, tag: int, bits: int) -> np.ndarray:
    if tag == FLOAT and bits in (32, 64):
        return np.frombuffer(raw, dtype="<f4" if bits == 32 else "<f8").astype(np.float32 if bits == 32 else np.float64)
    if tag != PCM:
        raise ValueError(f"sample format {tag}")
    if bits == 8:
        return np.frombuffer(raw, dtype=np.uint8).copy()
    if bits == 16:
        return np.frombuffer(raw, dtype="<i2").astype(np.int16)
    if bits == 24:  # three little-endian bytes; put them in the top of an int32 so full scale stays full scale
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        return (triples[:, 0] << 8 | triples[:, 1] << 16 | triples[:, 2] << 24).astype(np.int32)
    if bits == 32:
        return np.frombuffer(raw, dtype="<i4").astype(np.int32)
    raise ValueError(f"{bits}-bit PCM")


def read_wav(path, *, max_seconds: float | None = None) -> tuple[int, np.ndarray]:
    """(sample rate, samples) of a WAV file; samples keep the file's type (uint8, int16, int32, float32/64)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"There is no audio file at '{path}'.")
    with open(path, "rb") as handle:
        tag, channels, rate, bits, offset, data_bytes = read_header(handle, path)
        if channels < 1 or rate < 1 or bits % 8:
            raise _not_wav(path, f"{channels} channels at {rate} Hz with {bits}-bit samples")
        frame_bytes = channels * bits // 8
        frames = data_bytes // frame_bytes
        if max_seconds is not None and frames / rate > max_seconds:
            from playground.speech.audio import too_long

            raise too_long(frames / rate, max_seconds)
        handle.seek(offset)
        raw = handle.read(frames * frame_bytes)
    try:
        samples = _decode(raw, tag, bits)
    except ValueError as error:
        raise _not_wav(path, f"unsupported {error}") from None
    return rate, samples.reshape(-1, channels) if channels > 1 else samples


def write_wav(path, rate: int, samples: np.ndarray, *, bits: int | None = None) -> Path:
    """Write `(n,)` or `(n, channels)` samples; int16/int32/uint8 as PCM, floats as 32-bit float, `bits=24` packs int32."""
    path = Path(path)
    samples = np.asarray(samples)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    if samples.dtype.kind == "f":
        payload, tag, bits = samples.astype("<f4").tobytes(), FLOAT, 32
    elif bits == 24:
        as_bytes = samples.astype("<i4").reshape(-1, 1).view(np.uint8).reshape(-1, 4)
        payload, tag = as_bytes[:, 1:].tobytes(), PCM
    else:
        bits = samples.dtype.itemsize * 8
        payload, tag = samples.astype(samples.dtype.newbyteorder("<")).tobytes(), PCM
    if tag == PCM and bits != 24:
        with wave.open(str(path), "wb") as out:  # the stdlib writes plain PCM headers
            out.setnchannels(channels)
            out.setsampwidth(bits // 8)
            out.setframerate(rate)
            out.writeframes(payload)
        return path
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(payload)) + payload
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path
