"""Load a CTC speech model once and transcribe clips of any length in overlapping chunks.

The model (`facebook/wav2vec2-base-960h` unless told otherwise, any
`AutoModelForCTC` id, or a local folder) goes through `playground.hub`, so it
is loaded at most once and an unreachable one gives one plain sentence. Long
clips are cut into windows of `chunk_seconds` that overlap by `stride_seconds`
on each side; the frames of each overlap are dropped before the windows are
joined, exactly as `transformers`' ASR pipeline does with `chunk_length_s` and
`stride_length_s`, so memory is bounded by one window and the text matches it.
The text comes from the tokenizer's own CTC decode (what the pipeline returns);
the words, times and confidences come from the same frames via `ctc`. The
model runs in the chosen precision (playground/precision.py; `auto` is
bfloat16 where the hardware computes it natively; in bfloat16 on a CPU the
convolution that reads the waveform stays float32, playground/speech/mixed_precision.py)
and is cached per precision.
"""

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from playground import i18n
from playground import hub
from playground.config import param, validate
from playground.device import DEVICE_CHOICES, pick_device
from playground.errors import UserError
from playground.precision import PRECISION_CHOICES, SPEECH_PRECISION_HELP, Choice, resolve
from playground.speech import ctc, mixed_precision
from playground.speech.audio import Clip, resample
from playground.libraries import import_transformers

DEFAULT_MODEL = "facebook/wav2vec2-base-960h"
OFFLINE_HINT = "errors.hub.hint.speech"  # a catalogue key: "Any CTC speech model works, e.g. ..."


@dataclass
class SpeechConfig:
    model: str = param(DEFAULT_MODEL, "Hugging Face id of a CTC speech model (wav2vec2, HuBERT, WavLM...) or a local folder")
    chunk_seconds: float = param(20.0, "Long audio is read in windows this long, so memory stays bounded", low=2.0,
                                 high=60.0, step=1.0)
    stride_seconds: float = param(3.0, "Context shared with the next window on each side; its words are kept once",
                                  low=0.0, high=20.0, step=0.5)
    low_confidence: float = param(0.6, "Words the model is less sure of than this are marked", low=0.0, high=1.0,
                                  step=0.05)
    max_seconds: float = param(0.0, "Longest audio accepted, in seconds; 0 uses PLAYGROUND_MAX_AUDIO_SECONDS (60)",
                               low=0.0, high=7200.0)
    device: str = param("auto", "Where the model runs; auto picks the GPU when there is one", choices=DEVICE_CHOICES)
    precision: str = param("auto", SPEECH_PRECISION_HELP, choices=PRECISION_CHOICES)


def checked(config: "SpeechConfig | None") -> "SpeechConfig":
    """Coerce and bound every field, then check the one rule that ties two fields together."""
    config = validate(config or SpeechConfig())
    if config.chunk_seconds <= 2 * config.stride_seconds:
        raise UserError(i18n.t("errors.speech.chunk_stride", chunk=config.chunk_seconds, stride=config.stride_seconds))
    return config


@dataclass
class Recognizer:
    """A processor (feature extractor + tokenizer) and a CTC model on one device."""

    processor: object
    model: object
    device: object = None
    tokens: list = field(default_factory=list)
    precision: Choice | None = None  # None: as built (the benchmarks hand in their own models)

    def __post_init__(self):
        self.tokens = ctc.vocabulary(self.tokenizer)

    @property
    def tokenizer(self):
        return self.processor.tokenizer

    @property
    def feature_extractor(self):
        return self.processor.feature_extractor

    @property
    def samples_per_frame(self) -> int:
        return int(getattr(self.model.config, "inputs_to_logits_ratio", 320))

    @property
    def blank_id(self) -> int:
        """CTC's blank is the pad token in every transformers CTC model."""
        blank = self.tokenizer.pad_token_id
        return self.model.config.pad_token_id if blank is None else blank

    @property
    def rate(self) -> int:
        return int(getattr(self.feature_extractor, "sampling_rate", 16_000))


@dataclass
class Transcript:
    text: str
    words: list  # of ctc.Word
    audio_seconds: float
    seconds: float  # wall time of recognition (not loading)
    model: str = ""
    device: str = ""
    note: str = ""  # e.g. "silence"
    precision: str = ""  # how the model ran, e.g. "bfloat16 (auto: native bf16 on cpu: avx512_bf16)"

    @property
    def real_time_factor(self) -> float:
        return self.seconds / self.audio_seconds if self.audio_seconds else 0.0

    def to_dict(self) -> dict:
        return {"text": self.text, "words": [w.to_dict() for w in self.words],
                "audio_seconds": round(self.audio_seconds, 3), "seconds": round(self.seconds, 4),
                "real_time_factor": round(self.real_time_factor, 4), "model": self.model, "device": self.device,
                "precision": self.precision, "note": self.note}


# loading


def load_recognizer(model_id: str = DEFAULT_MODEL, device: str = "auto", precision: str = "auto") -> Recognizer:
    """Processor + model from the Hub or a folder in `precision`, cached per device and precision; never runs
    remote code."""
    target = pick_device(device)
    choice = resolve(precision, target)

    def loader(name):
        import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
        from transformers import AutoModelForCTC, AutoProcessor

        processor = AutoProcessor.from_pretrained(name, trust_remote_code=False)
        if getattr(processor, "tokenizer", None) is None or getattr(processor, "feature_extractor", None) is None:
            raise UserError(i18n.t("errors.speech.no_processor", name=name, default=DEFAULT_MODEL))
        model = AutoModelForCTC.from_pretrained(name, trust_remote_code=False).to(target)
        return Recognizer(processor, prepare(choice, model, target), target, precision=choice)

    recognizer = hub.load_cached(f"speech-ctc:{target}:{choice.name}", model_id, loader, offline_hint=OFFLINE_HINT)
    # `auto` and the format it picked share one cached model; each caller sees how its own choice was made
    return recognizer if recognizer.precision == choice else dataclasses.replace(recognizer, precision=choice)


def prepare(choice: Choice, model, device):
    """`model` in `choice`'s format for transcription (playground/precision.py, then the float32 waveform convolution
    of playground/speech/mixed_precision.py), or the one-sentence UserError when that format can't run it."""
    return mixed_precision.for_speech(choice.precision.prepare(model, device), choice.name, device)


# inference


def windows(total: int, chunk: int, stride: int):
    """(start, stop, left, right) sample windows like the pipeline's `chunk_iter`; left/right are overlap to drop."""
    step = chunk - 2 * stride
    for start in range(0, total, step):
        stop = min(start + chunk, total)
        left = 0 if start == 0 else stride
        is_last = start + chunk >= total
        if stop - start > left:
            yield start, stop, left, 0 if is_last else stride
        if is_last:
            break


def frame_predictions(recognizer: Recognizer, samples: np.ndarray, *, chunk_seconds: float = 20.0,
                      stride_seconds: float = 3.0, on_chunk=None) -> tuple[np.ndarray, np.ndarray]:
    """Best token id and its probability for every output frame of `samples` (mono, at the model's rate)."""
    import torch

    align = recognizer.samples_per_frame
    chunk = int(round(chunk_seconds * recognizer.rate / align) * align)
    stride = int(round(stride_seconds * recognizer.rate / align) * align)
    model, extractor = recognizer.model, recognizer.feature_extractor
    parts = list(windows(len(samples), chunk, stride))
    ids, probs = [], []
    for index, (start, stop, left, right) in enumerate(parts):
        inputs = extractor(samples[start:stop], sampling_rate=recognizer.rate, return_tensors="pt",
                           return_attention_mask=True)
        with torch.inference_mode():
            logits = model(inputs[model.main_input_name].to(recognizer.device, model.dtype),
                           attention_mask=inputs["attention_mask"].to(recognizer.device)).logits[0]
        best = logits.argmax(dim=-1)
        confidence = logits.float().softmax(dim=-1).gather(-1, best[:, None])[:, 0]
        # the pipeline's rescale_stride: samples -> frames, rounded the same way so the joins match
        frames = int(round((stop - start) / align))
        keep_left, keep_right = int(round(left / (stop - start) * frames)), int(round(right / (stop - start) * frames))
        ids.append(best[keep_left:frames - keep_right].cpu().numpy())
        probs.append(confidence[keep_left:frames - keep_right].cpu().numpy())
        if on_chunk:
            on_chunk(index + 1, len(parts))
    return np.concatenate(ids), np.concatenate(probs)


def transcribe(recognizer: Recognizer, clip: Clip, config: SpeechConfig | None = None, *, on_chunk=None) -> Transcript:
    """Text, words with times and confidences, and timing of one clip."""
    config = checked(config)
    name, device = getattr(recognizer.model, "name_or_path", ""), str(recognizer.device or "cpu")
    number = recognizer.precision.describe() if recognizer.precision else str(recognizer.model.dtype)[6:]
    if clip.silent:  # normalising silence would only amplify the noise floor into junk letters
        return Transcript("", [], clip.seconds, 0.0, name, device, note="silence", precision=number)
    samples = resample(clip.samples, clip.rate, recognizer.rate)
    began = time.perf_counter()
    frame_ids, frame_probs = frame_predictions(recognizer, samples, chunk_seconds=config.chunk_seconds,
                                               stride_seconds=config.stride_seconds, on_chunk=on_chunk)
    text = recognizer.tokenizer.decode(frame_ids.tolist())
    words = ctc.words_from_frames(frame_ids, frame_probs, recognizer.tokens,
                                  blank_id=recognizer.blank_id,
                                  seconds_per_frame=recognizer.samples_per_frame / recognizer.rate,
                                  duration=clip.seconds, lower=getattr(recognizer.tokenizer, "do_lower_case", False))
    return Transcript(text, words, clip.seconds, time.perf_counter() - began, name, device, precision=number)
