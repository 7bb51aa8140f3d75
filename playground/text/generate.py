"""Generate a continuation of a prompt, streamed as events, with what the model thought at each token.

`generate_stream` runs `model.generate` in a thread and yields a `token` event
per step (the texts so far, each new token with its probability and top
candidates), then one `done` event with the timings. Sampling, top-k, top-p,
repetition penalty, beams and several sequences are transformers' own, so the
text is exactly what `pipeline("text-generation")` gives for the same settings
and seed. The draws come from a generator of the request's own, not torch's
global one (which transformers samples with), so the seed holds while other
visitors train or sample: see `_sample_with`. A `threading.Event` passed as `stop` ends generation after the token
in flight. Beam search can't stream: its text and probabilities arrive at the end.
"""

import contextlib
import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Iterator

from playground import i18n
from playground.config import param, validate
from playground.errors import UserError
from playground.text.tokens import IncrementalDecoder, prompt_tokens
from playground.libraries import import_transformers

MAX_NEW_TOKENS = 512
DEFAULT_PROMPT = "The best thing about learning to program is"  # model-facing: GPT-2 reads English


@dataclass
class GenerationConfig:
    max_new_tokens: int = param(40, "How many tokens to add after the prompt.", low=1, high=MAX_NEW_TOKENS)
    greedy: bool = param(False, "Always take the single most likely next token (same text every time); "
                                "off: sample from the probabilities.")
    temperature: float = param(0.8, "Sampling only. Below 1: safer, more repetitive text; above 1: more surprising.",
                               low=0.05, high=2.0, step=0.05)
    top_k: int = param(50, "Sampling only. Draw only from the k most likely tokens (0: no limit).", low=0, high=500)
    top_p: float = param(0.95, "Sampling only. Draw only from the most likely tokens whose probabilities add up to p "
                               "(1: no limit).", low=0.05, high=1.0, step=0.01, label="Top-p")
    repetition_penalty: float = param(1.0, "Above 1 makes tokens already in the text less likely (1: off).",
                                      low=1.0, high=2.0, step=0.05)
    num_beams: int = param(1, "Beam search: follow this many candidate texts and keep the likeliest (1: off). "
                              "Slower, and the text arrives at the end instead of streaming.", low=1, high=8,
                           label="Beams")
    num_sequences: int = param(1, "How many different continuations to write.", low=1, high=4,
                               label="Number of sequences")
    seed: int = param(42, "Same seed and settings give the same text; -1 picks a new random seed each time.",
                      low=-1, high=2**31 - 1)
    top_candidates: int = param(10, "How many of the likeliest next tokens to show for each step.", low=1, high=50)


def generate_stream(loaded, prompt: str, config: GenerationConfig | None = None, *,
                    stop: threading.Event | None = None) -> Iterator[dict]:
    """Yield `start`, then `token` per step (not for beam search), then `done`. See the module docstring."""
    import torch
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import LogitsProcessorList, RepetitionPenaltyLogitsProcessor, StoppingCriteriaList

    from playground.randomness import seeded
    from playground.text.probabilities import ProbabilityRecorder, sequence_probabilities

    config = validate(config or GenerationConfig())
    inputs = _encode(loaded, prompt, config)
    prompt_length = inputs["input_ids"].shape[1]
    stop = stop or threading.Event()
    abandoned = threading.Event()  # the reader went away: end the thread too
    seed = config.seed if config.seed >= 0 else random.randrange(2**31)
    streaming = config.num_beams == 1
    recorder = ProbabilityRecorder(config.top_candidates)
    # the recorder runs before the penalty so it records the model's own probabilities; the penalty goes here
    # rather than to generate() so that it still applies in transformers' usual order, before the sampling warpers
    processors = [recorder] if streaming else []
    if config.repetition_penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(config.repetition_penalty))
    steps: queue.Queue = queue.Queue()
    kwargs = dict(**inputs, max_new_tokens=config.max_new_tokens, num_beams=config.num_beams,
                  num_return_sequences=config.num_sequences, do_sample=not config.greedy, repetition_penalty=1.0,
                  pad_token_id=loaded.pad_token_id, logits_processor=LogitsProcessorList(processors),
                  stopping_criteria=StoppingCriteriaList([_StopOnFlag(stop, abandoned)]))
    if not config.greedy:
        kwargs.update(temperature=config.temperature, top_k=config.top_k, top_p=config.top_p)
    if streaming:
        kwargs["streamer"] = _StepStreamer(recorder, steps)
    outcome: dict = {}
    draws = contextlib.nullcontext() if config.greedy else _sample_with(seeded(seed, loaded.device), loaded, kwargs)

    def run():
        try:
            with draws, torch.inference_mode():  # drawing_from is per thread: it has to be entered here
                outcome["sequences"] = loaded.model.generate(**kwargs)
        except BaseException as error:  # handed to the reader, which raises it
            outcome["error"] = error
        finally:
            steps.put(None)

    describe = _Describer(loaded)
    rows = [_Row(loaded.tokenizer, loaded.eos_token_ids) for _ in range(config.num_sequences)]
    yield {"event": "start", "prompt_tokens": prompt_tokens(loaded.tokenizer, prompt), "seed": seed,
           "streaming": streaming, "model": loaded.model_id}
    start = time.perf_counter()
    first_token_at = None
    thread = threading.Thread(target=run, name="generate", daemon=True)
    thread.start()
    try:
        while (records := steps.get()) is not None:
            first_token_at = first_token_at or time.perf_counter()
            added = [row.add(record, describe) for row, record in zip(rows, records)]  # None: that row had ended
            yield {"event": "token", "step": len(rows[0].tokens), "texts": [row.text for row in rows],
                   "new_tokens": added, "seconds": time.perf_counter() - start}
        thread.join()
    finally:
        abandoned.set()
    seconds = time.perf_counter() - start
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, torch.OutOfMemoryError):
            raise UserError(i18n.t("errors.generate.out_of_memory"))
        raise error
    if not streaming:
        sequences = outcome["sequences"]
        for row, records in zip(rows, sequence_probabilities(loaded.model, sequences, prompt_length,
                                                             config.top_candidates)):
            for record in records:
                row.add(record, describe)
    tokens = len(rows[0].tokens)
    yield {"event": "done", "text": rows[0].final_text(), "texts": [row.final_text() for row in rows],
           "tokens": tokens, "seconds": seconds, "tokens_per_second": tokens / seconds if seconds > 0 else 0.0,
           "time_to_first_token": (first_token_at - start) if first_token_at else seconds, "seed": seed,
           "stopped": stop.is_set(), "steps": [row.tokens for row in rows], "model": loaded.model_id}


def generate_text(loaded, prompt: str, config: GenerationConfig | None = None) -> dict:
    """Run `generate_stream` to the end and return its `done` event."""
    for event in generate_stream(loaded, prompt, config):
        pass
    return event


def check_prompt(prompt: str) -> str:
    """The prompt, or a UserError when there is nothing to continue (callers check before loading a model)."""
    if not prompt or not prompt.strip():
        raise UserError(i18n.t("errors.generate.no_prompt"))
    return prompt


# helpers


def _other_warpers(generation_config) -> bool:
    """Whether the model's own generation config adds sampling warpers beyond temperature, top-k and top-p."""
    c = generation_config
    return (c.min_p is not None or getattr(c, "top_h", None) is not None or (c.typical_p or 1.0) < 1.0
            or 0.0 < (c.epsilon_cutoff or 0.0) < 1.0 or 0.0 < (c.eta_cutoff or 0.0) < 1.0)


def _sample_with(generator, loaded, kwargs: dict):
    """Make generate() (with `kwargs`) sample from `generator`; returns the context to call it in.

    transformers samples with torch's global generator. Where it can, sampling moves into our logits
    processors: transformers' own temperature, top-k and top-p warpers, in its order, then `DrawNextToken`,
    which draws as transformers would and leaves generate() only that token; generate()'s warpers are
    switched off. Beam sampling, and a model whose generation config asks for other warpers, run inside
    `randomness.drawing_from(generator)` instead: the same draws, for a Python hook on every torch call.
    """
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    from playground.randomness import drawing_from

    if kwargs["num_beams"] > 1 or _other_warpers(loaded.model.generation_config):
        return drawing_from(generator)
    temperature, top_k, top_p = kwargs["temperature"], kwargs["top_k"], kwargs["top_p"]
    processors = kwargs["logits_processor"]
    if temperature != 1.0:
        processors.append(TemperatureLogitsWarper(temperature))
    if top_k != 0:
        processors.append(TopKLogitsWarper(top_k=top_k, min_tokens_to_keep=1))
    if top_p < 1.0:
        processors.append(TopPLogitsWarper(top_p=top_p, min_tokens_to_keep=1))
    processors.append(DrawNextToken(generator))
    kwargs.update(temperature=1.0, top_k=0, top_p=1.0)  # applied above already
    return contextlib.nullcontext()


class DrawNextToken:
    """The last logits processor: draws each next token from `generator` exactly as transformers' sampling
    does (softmax, then multinomial) and leaves generate() no other choice (every other score -inf)."""

    def __init__(self, generator):
        self.generator = generator

    def __call__(self, input_ids, scores):
        import torch

        probabilities = torch.nn.functional.softmax(scores, dim=-1)
        chosen = torch.multinomial(probabilities, num_samples=1, generator=self.generator)
        return torch.full_like(scores, -float("inf")).scatter_(1, chosen, 0.0)


def _encode(loaded, prompt: str, config: GenerationConfig) -> dict:
    check_prompt(prompt)
    if config.num_beams == 1 and config.greedy and config.num_sequences > 1:
        raise UserError(i18n.t("errors.generate.greedy_one"))
    if config.num_sequences > config.num_beams > 1:
        raise UserError(i18n.t("errors.generate.beams", beams=config.num_beams))
    inputs = loaded.tokenizer(prompt, return_tensors="pt")
    length, limit = inputs["input_ids"].shape[1], loaded.context_length
    if length == 0:
        raise UserError(i18n.t("errors.generate.no_tokens"))
    if limit and length >= limit:
        raise UserError(i18n.t("errors.generate.prompt_too_long", length=length, model=loaded.model_id, limit=limit))
    if limit and length + config.max_new_tokens > limit:
        raise UserError(i18n.t("errors.generate.too_many_new", model=loaded.model_id, limit=limit, length=length,
                               room=limit - length))
    return {k: v.to(loaded.device) for k, v in inputs.items() if k in ("input_ids", "attention_mask")}


class _StopOnFlag:
    """A stopping criterion: every sequence is done as soon as one of the flags is set."""

    def __init__(self, *flags: threading.Event):
        self.flags = flags

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        stop = any(flag.is_set() for flag in self.flags)
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)


class _StepStreamer:
    """Hears each step's chosen tokens from generate() and queues them with their probabilities."""

    def __init__(self, recorder, steps: queue.Queue):
        self.recorder, self.steps, self.seen_prompt = recorder, steps, False

    def put(self, value):
        if not self.seen_prompt:  # the first call hands over the prompt
            self.seen_prompt = True
            return
        self.steps.put(self.recorder.pop_step(value.view(-1)))

    def end(self):
        pass  # the generation thread marks the end itself, also when generate() fails


class _Describer:
    """Turns token ids into readable pieces, remembering the ones it has seen."""

    def __init__(self, loaded):
        self.tokenizer, self.cache = loaded.tokenizer, {}
        self.special = set(loaded.tokenizer.all_special_ids)

    def piece(self, token_id: int) -> str:
        if token_id not in self.cache:
            self.cache[token_id] = self.tokenizer.decode([token_id], skip_special_tokens=False)
        return self.cache[token_id]

    def candidates(self, record) -> list[dict]:
        return [{"id": i, "piece": self.piece(i), "probability": p} for i, p in record["candidates"]]


class _Row:
    """One sequence being written: its tokens (up to the end-of-text token) and its text so far."""

    def __init__(self, tokenizer, eos_ids: set[int]):
        self.decoder, self.eos_ids, self.tokens, self.finished = IncrementalDecoder(tokenizer), eos_ids, [], False

    @property
    def text(self) -> str:
        return self.decoder.text

    def add(self, record: dict, describe: _Describer) -> dict | None:
        if self.finished:  # after the end-of-text token generate() only pads
            return None
        token_id = record["id"]
        special = token_id in describe.special
        token = {"id": token_id, "piece": self.decoder.add(token_id), "token": describe.piece(token_id),
                 "special": special, "probability": record["probability"], "candidates": describe.candidates(record)}
        self.tokens.append(token)
        self.finished = token_id in self.eos_ids
        return token

    def final_text(self) -> str:
        """Decoded the way `pipeline("text-generation")` decodes it (special tokens skipped)."""
        if self.tokens:
            self.tokens[-1]["piece"] += self.decoder.finish()
        return self.decoder.text
