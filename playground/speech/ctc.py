"""Greedy CTC: per-frame best tokens -> words with start/end times and a confidence.

A CTC model emits one distribution per frame (20 ms for wav2vec2). Greedy
decoding takes the best token in each frame, merges runs of the same token and
drops the blank. Because we keep the frame index of every run, each word gets
the time of its first and last emitting frame, and its confidence is the mean
probability the model gave its own characters on those frames.
"""

from dataclasses import asdict, dataclass
from itertools import groupby

import numpy as np

WORD_DELIMITERS = ("|", " ")  # wav2vec2's character vocabularies use "|"
WORD_START = "\u2581"  # sentencepiece-style vocabularies mark a word's first piece with "▁"


@dataclass
class Word:
    word: str
    start: float  # seconds
    end: float
    confidence: float  # 0..1

    def to_dict(self) -> dict:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


@dataclass
class Run:
    token: int
    first: int  # frame index of the run's first frame
    stop: int  # one past its last frame


def runs(frame_ids: np.ndarray, blank_id: int) -> list[Run]:
    """Merge consecutive equal tokens; drop blank runs (a blank between two equal tokens keeps them apart)."""
    out, position = [], 0
    for token, group in groupby(int(t) for t in frame_ids):
        length = sum(1 for _ in group)
        if token != blank_id:
            out.append(Run(token, position, position + length))
        position += length
    return out


def words_from_frames(frame_ids, frame_probs, tokens: list[str], *, blank_id: int, seconds_per_frame: float,
                      duration: float, lower: bool = False) -> list[Word]:
    """Words with timings from greedy frame predictions.

    `tokens[i]` is the string of token id i; `frame_probs[t]` the probability of the chosen token at frame t.
    """
    frame_ids, frame_probs = np.asarray(frame_ids), np.asarray(frame_probs, dtype=np.float64)
    found: list[Word] = []
    pieces, first, stop, probs = [], None, None, []

    def finish():
        text = "".join(pieces)
        if text:
            start, end = first * seconds_per_frame, min(stop * seconds_per_frame, duration)
            found.append(Word(text.lower() if lower else text, min(start, end), end, float(np.mean(probs))))
        pieces.clear()
        probs.clear()

    for run in runs(frame_ids, blank_id):
        piece = tokens[run.token] if 0 <= run.token < len(tokens) else ""
        if piece in WORD_DELIMITERS:
            finish()
            continue
        if piece.startswith(WORD_START):
            finish()
            piece = piece[len(WORD_START):]
        if not pieces:
            first = run.first
        pieces.append(piece)
        stop = run.stop
        probs.extend(frame_probs[run.first:run.stop])
    finish()
    return found


def vocabulary(tokenizer) -> list[str]:
    """Token strings indexed by id, for any Hugging Face tokenizer."""
    size = max(len(tokenizer), max(tokenizer.get_vocab().values()) + 1)
    return [token or "" for token in tokenizer.convert_ids_to_tokens(list(range(size)))]
