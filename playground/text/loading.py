"""Load a causal language model and its tokenizer by Hugging Face id or local folder, once.

Everything goes through `playground.hub.load_cached`, so a model is read at most
once while it stays in the bounded cache and an unreachable one gives the one
clear sentence (with a pointer to the tiny GPT, which works offline). The local
cache is tried before the network, so a cached model loads without waiting on
a connection. The precision (playground/precision.py) is resolved before the
cache is asked, so `auto` and the format it picks share one cached copy and
float32 and bfloat16 copies of a model are two entries. Never `trust_remote_code`.
"""

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from playground.device import pick_device
from playground.hub import load_cached
from playground.precision import TEXT, Choice, resolve
from playground.libraries import import_transformers

SUGGESTED_MODELS = ("gpt2", "distilgpt2", "gpt2-medium")
OFFLINE_HINT = "errors.hub.hint.tiny_gpt"  # a catalogue key: the tiny GPT you train yourself works offline


@dataclass
class LoadedModel:
    """A model ready to generate: weights on their device, the tokenizer that goes with them."""

    model_id: str
    model: object
    tokenizer: object
    device: object
    precision: Choice | None = None  # None: as built (the benchmarks hand in their own models)

    @property
    def dtype(self) -> str:
        return str(self.model.dtype).removeprefix("torch.")

    @property
    def parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    @property
    def context_length(self) -> int | None:
        """How many tokens (prompt + new) the model can read, when its config says."""
        return getattr(self.model.config, "max_position_embeddings", None)

    @property
    def eos_token_ids(self) -> set[int]:
        eos = self.model.generation_config.eos_token_id
        if eos is None:
            eos = self.tokenizer.eos_token_id
        return set(eos if isinstance(eos, (list, tuple)) else [] if eos is None else [eos])

    @property
    def pad_token_id(self) -> int | None:
        pad = self.model.generation_config.pad_token_id
        if pad is None:
            pad = self.tokenizer.pad_token_id
        return pad if pad is not None else min(self.eos_token_ids, default=None)

    def describe(self) -> str:
        from playground import i18n

        context = i18n.t("text.model.context", tokens=self.context_length) if self.context_length else ""
        number = self.precision.describe() if self.precision else self.dtype
        return i18n.t("text.model.describe", model=self.model_id, millions=self.parameters / 1e6,
                      device=self.device, number=number, context=context)


def cache_kind(device: str = "auto", precision: str = "auto") -> str:
    """The cache key's kind for a model loaded with these choices (the Text tab asks whether one is loaded)."""
    target = pick_device(device)
    return f"causal-lm:{target}:{resolve(precision, target, workload=TEXT).name}"


def load_model(model_id: str, device: str = "auto", precision: str = "auto") -> LoadedModel:
    """The model for `model_id` (Hub id or folder) in `precision`, loaded on first use and cached."""
    target = pick_device(device)
    choice = resolve(precision, target, workload=TEXT)
    loaded = load_cached(cache_kind(device, precision), model_id, lambda name: _load(name, target, choice),
                         offline_hint=OFFLINE_HINT)
    # `auto` and the format it picked share one cached model; each caller sees how its own choice was made
    return loaded if loaded.precision == choice else dataclasses.replace(loaded, precision=choice)


def _load(model_id: str, device, choice: Choice) -> LoadedModel:
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = Path(model_id).expanduser()
    source = str(folder) if folder.is_dir() else model_id
    tokenizer = _from_pretrained(AutoTokenizer, source)
    model = _from_pretrained(AutoModelForCausalLM, source, dtype="auto")
    model = choice.precision.prepare(model.to(device), device)
    return LoadedModel(model_id=model_id, model=model, tokenizer=tokenizer, device=device, precision=choice)


def _from_pretrained(auto_class, source: str, **kwargs):
    """The local cache first (instant, works offline), then the Hub unless it is switched off."""
    try:
        return auto_class.from_pretrained(source, local_files_only=True, trust_remote_code=False, **kwargs)
    except OSError:
        if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes") or Path(source).is_dir():
            raise
    return auto_class.from_pretrained(source, trust_remote_code=False, **kwargs)
