"""A tiny GPT you train yourself: GPT-2's architecture, a tokenizer learned on the spot, no download.

`train_events` learns a byte-level tokenizer (one token per character, or BPE)
on the corpus, builds a small `GPT2LMHeadModel` from a `GPT2Config`, and trains
it on random windows of the text, yielding plain event dicts: `start`, `step`
(training loss), `eval` (loss on the held-out last 10% of the text), `sample`
(text the model writes now, same seed every time), and `done`. The result is a
`save_pretrained` folder that `playground.text.loading.load_model` (and
`generate --model DIR`) loads like any Hub model.
"""

import json
import math
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from playground import i18n
from playground.config import param, to_dict, validate
from playground.errors import UserError
from playground.text.corpus import check_corpus
from playground.libraries import import_transformers

END_OF_TEXT = "<|endoftext|>"
SAMPLE_TOKENS = 80


@dataclass
class TinyGPTConfig:
    layers: int = param(2, "Transformer blocks stacked one on another.", low=1, high=8)
    heads: int = param(4, "Attention heads per block; the embedding size must divide by it.", low=1, high=8)
    embedding_size: int = param(128, "Width of each token's vector inside the model.", low=16, high=512, step=16)
    context_length: int = param(64, "Tokens the model reads at once: also the most it can generate from.",
                                low=16, high=512, step=16)
    steps: int = param(300, "Optimizer steps to train for.", low=1, high=5000)
    learning_rate: float = param(3e-3, "AdamW step size; it warms up, then decays along a cosine.",
                                 low=1e-5, high=1e-1, log=True)
    batch_size: int = param(16, "Windows of text per step.", low=1, high=128)
    tokenizer: str = param("bpe", "char: one token per character (bytes for non-ASCII ones); bpe: frequent runs of "
                                  "characters become one token, learned from the corpus.", choices=("char", "bpe"))
    vocab_size: int = param(512, "BPE only: how many tokens the tokenizer learns.", low=260, high=8000)
    sample_every: int = param(50, "Every this many steps: held-out loss and a sample of text.", low=1, high=5000)
    seed: int = param(0, "Same seed and settings, same model.", low=0, high=2**31 - 1)
    sample_prompt: str = param("The", "How the samples written during training begin (empty: from scratch).")


def train_tokenizer(corpus: str, config: TinyGPTConfig):
    """A byte-level tokenizer learned on `corpus`, wrapped for transformers (any text encodes, nothing is lost)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    alphabet = pre_tokenizers.ByteLevel.alphabet()  # all 256 bytes, so no character is ever dropped
    vocab_size = len(alphabet) + 1 if config.tokenizer == "char" else config.vocab_size
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[END_OF_TEXT], initial_alphabet=alphabet,
                                  show_progress=False)
    tokenizer.train_from_iterator(corpus.split("\n\n"), trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token=END_OF_TEXT, eos_token=END_OF_TEXT,
                                   model_max_length=config.context_length)


def parameter_count(config: TinyGPTConfig) -> int:
    """How many parameters `build_model` gives at most (BPE may learn fewer tokens than `vocab_size`), before
    anything is built: token and position embeddings, 12E² + 13E per block, the final layer norm (the output
    layer shares the token embedding)."""
    vocab = 257 if config.tokenizer == "char" else config.vocab_size  # 256 bytes + <|endoftext|>
    width = config.embedding_size
    return (vocab + config.context_length) * width + config.layers * (12 * width**2 + 13 * width) + 2 * width


def build_model(tokenizer, config: TinyGPTConfig):
    """A freshly initialised GPT-2 of the configured size (no dropout: the runs are short)."""
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import GPT2Config, GPT2LMHeadModel

    if config.embedding_size % config.heads:
        raise UserError(i18n.t("errors.tiny_gpt.heads", size=config.embedding_size, heads=config.heads))
    eos = tokenizer.eos_token_id
    model_config = GPT2Config(vocab_size=len(tokenizer), n_positions=config.context_length,
                              n_embd=config.embedding_size, n_layer=config.layers, n_head=config.heads,
                              resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, bos_token_id=eos, eos_token_id=eos)
    model = GPT2LMHeadModel(model_config)
    model.loss_type = "ForCausalLM"  # what it uses anyway; saying so silences a warning
    model.generation_config.pad_token_id = eos
    return model


def train_events(config: TinyGPTConfig, corpus: str, *, out_dir=None,
                 stop: threading.Event | None = None) -> Iterator[dict]:
    """Train a tiny GPT on `corpus`, yielding events; saves it to `out_dir` at the end (also when stopped)."""
    import torch

    from playground import randomness
    from playground.device import pick_device

    config, corpus, stop = validate(config), check_corpus(corpus), stop or threading.Event()
    start = time.perf_counter()
    tokenizer = train_tokenizer(corpus, config)
    ids = torch.tensor(tokenizer.backend_tokenizer.encode(corpus).ids, dtype=torch.long)  # no length warning
    split = int(len(ids) * 0.9)
    train_ids, val_ids = ids[:split], ids[split:]
    if len(val_ids) <= config.context_length + 1:
        raise UserError(i18n.t("errors.tiny_gpt.too_short", tokens=len(ids), context=config.context_length))
    device = pick_device("auto")
    random = randomness.generators(config.seed, device)
    with randomness.drawing_from(random.weights):  # transformers' own initialisation, from the run's generator
        model = build_model(tokenizer, config)
    model = randomness.attach(model.to(device), random.dropout)  # refuses a dropout drawing from the global one
    batches = random.shuffle
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, betas=(0.9, 0.95), weight_decay=0.01)
    warmup = max(1, config.steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup) * (
        0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, step / config.steps)))))

    def batch(source, starts=None):
        if starts is None:
            starts = torch.randint(0, len(source) - config.context_length, (config.batch_size,), generator=batches)
        return torch.stack([source[s:s + config.context_length] for s in starts.tolist()]).to(device)

    @torch.no_grad()
    def held_out_loss() -> float:
        model.eval()
        count = min(4 * config.batch_size, len(val_ids) - config.context_length)  # fixed windows: comparable
        starts = torch.linspace(0, len(val_ids) - config.context_length - 1, count).long()
        losses = [model(input_ids=x, labels=x).loss.item() for x in batch(val_ids, starts).split(config.batch_size)]
        model.train()
        return sum(losses) / len(losses)

    parameters = sum(p.numel() for p in model.parameters())
    yield {"event": "start", "parameters": parameters, "vocab_size": len(tokenizer), "device": str(device),
           "corpus_characters": len(corpus), "train_tokens": len(train_ids), "val_tokens": len(val_ids)}
    initial_val_loss = held_out_loss()
    yield {"event": "eval", "step": 0, "val_loss": initial_val_loss}
    yield {"event": "sample", "step": 0, "text": write_sample(model, tokenizer, config)}
    model.train()
    step, loss, val_loss, evaluated_at = 0, float("nan"), initial_val_loss, 0
    while step < config.steps and not stop.is_set():
        step += 1
        x = batch(train_ids)
        loss_tensor = model(input_ids=x, labels=x).loss
        optimizer.zero_grad(set_to_none=True)
        loss_tensor.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        loss = loss_tensor.item()
        if not math.isfinite(loss):
            raise UserError(i18n.t("errors.tiny_gpt.diverged", loss=loss, step=step))
        yield {"event": "step", "step": step, "steps": config.steps, "loss": loss,
               "learning_rate": schedule.get_last_lr()[0], "seconds": time.perf_counter() - start}
        if step % config.sample_every == 0 or step == config.steps:
            val_loss, evaluated_at = held_out_loss(), step
            yield {"event": "eval", "step": step, "val_loss": val_loss}
            yield {"event": "sample", "step": step, "text": write_sample(model, tokenizer, config)}
    if evaluated_at != step:  # stopped between evaluations: measure the model being saved
        val_loss = held_out_loss()
        yield {"event": "eval", "step": step, "val_loss": val_loss}
        yield {"event": "sample", "step": step, "text": write_sample(model, tokenizer, config)}
    summary = {"status": "stopped" if step < config.steps else "finished", "steps_run": step, "loss": loss,
               "initial_val_loss": initial_val_loss, "val_loss": val_loss, "parameters": parameters,
               "device": str(device), "seconds": time.perf_counter() - start}
    path = save_model(model, tokenizer, out_dir, {**to_dict(config), **summary}) if out_dir else None
    yield {"event": "done", **summary, "path": str(path) if path else None}


def write_sample(model, tokenizer, config: TinyGPTConfig) -> str:
    """What the model writes now from `sample_prompt`, drawn with the run's seed (so samples compare)."""
    import torch

    from playground import randomness
    from playground.text.generate import DrawNextToken

    ids = tokenizer(config.sample_prompt)["input_ids"] or [tokenizer.eos_token_id]
    ids = ids[-(config.context_length // 2):]
    was_training = model.training
    model.eval()
    # plain sampling from a fresh generator of the seed each time (never the global one), so samples compare
    draw = DrawNextToken(randomness.seeded(config.seed, model.device))
    with torch.no_grad():
        out = model.generate(torch.tensor([ids], device=model.device), do_sample=True, top_k=0, top_p=1.0,
                             temperature=1.0, logits_processor=[draw],
                             max_new_tokens=min(SAMPLE_TOKENS, config.context_length - len(ids)),
                             pad_token_id=tokenizer.eos_token_id)
    model.train(was_training)
    return tokenizer.decode(out[0], skip_special_tokens=True)


def save_model(model, tokenizer, out_dir, summary: dict) -> Path:
    """`save_pretrained` weights (safetensors) and tokenizer into `out_dir`, with a training.json beside them."""
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise UserError(i18n.t("errors.tiny_gpt.out_is_file", out=out))
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    (out / "training.json").write_text(json.dumps(summary, indent=2, default=str))
    return out


def zip_folder(folder) -> Path:
    """`folder.zip` next to the folder, holding its files."""
    folder = Path(folder)
    return Path(shutil.make_archive(str(folder), "zip", root_dir=folder))
