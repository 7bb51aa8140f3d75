"""What low precision costs in quality, on models that have learnt something (random weights would prove nothing).

Text: the tiny GPT is trained here on the bundled standard-library docstrings
(playground/text/tiny_gpt.py), saved, and loaded back through the app's own
loader in each precision. Greedy continuations of 20 prompts taken from the
held-out tenth of the text, 64 new tokens each, are compared token by token
with float32's (the share identical, and how far the first disagreement comes
on average: after one token differs, the rest of a greedy text differs too,
so the share understates how close the two models are), and the held-out
perplexity is measured in each precision on the same windows.

Speech: a small Wav2Vec2ForCTC is trained here with CTC on synthetic "speech":
each of 8 letters is a tone of its own pitch, words are runs of letters with
silence between. Held-out clips are transcribed through the app's own
recognizer in each precision; the character error rate (edit distance /
length) is reported between each precision's transcripts and float32's, and
against the truth. A precision the app refuses for a model says so.

The speech table also has bfloat16 all through ("whole model"), as the app
ran it before its waveform convolution was kept float32 (playground/speech/mixed_precision.py).

    python benchmarks/bench_quality.py [--gpt-steps 600] [--ctc-steps 800] [--only text|speech] [--json FILE]
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

PRECISIONS = ("float32", "bfloat16", "int8")
PROMPTS, NEW_TOKENS, PROMPT_TOKENS = 20, 64, 12
LETTERS = "abcdefgh"
RATE, LETTER_SECONDS, GAP_SECONDS = 16_000, 0.08, 0.06


# helpers


def in_each_precision(load, rows: list):
    """(name, model) for each of PRECISIONS that `load(name)` can give; a refusal becomes a row of `rows`."""
    from playground.errors import UserError

    for name in PRECISIONS:
        try:
            yield name, load(name)
        except UserError as refused:
            rows.append({"precision": name, "refused": str(refused)})


def table(header: str, rows: list, cells) -> list[str]:
    """Markdown lines: the header, then one line per row (`cells(row)` gives its cells after the name)."""
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for row in rows:
        shown = [f"refused: {row['refused']}", "", ""] if "refused" in row else cells(row)
        lines.append(f"| {row['precision']} | " + " | ".join(shown) + " |")
    return lines


# text


def train_gpt(folder: Path, steps: int) -> dict:
    from playground import config as cfg
    from playground.text.corpus import stdlib_corpus
    from playground.text.tiny_gpt import TinyGPTConfig, train_events

    config = cfg.build(TinyGPTConfig, {"steps": steps, "context_length": 128, "embedding_size": 128, "layers": 2,
                                       "heads": 4, "sample_every": steps, "batch_size": 16})
    corpus = stdlib_corpus()
    for event in train_events(config, corpus, out_dir=folder):
        pass
    return {"corpus": corpus, "done": event}


def text_quality(folder: Path, corpus: str) -> list[dict]:
    import torch

    from playground.text.generate import GenerationConfig, generate_stream
    from playground.text.loading import load_model

    reference = load_model(str(folder), "cpu", "float32")
    tokenizer = reference.tokenizer
    ids = torch.tensor(tokenizer.backend_tokenizer.encode(corpus).ids)
    held_out = ids[int(len(ids) * 0.9):]  # the tenth tiny_gpt held out while training
    starts = torch.linspace(0, len(held_out) - 129, 64).long()
    windows = torch.stack([held_out[s:s + 128] for s in starts.tolist()])
    prompt_starts = torch.linspace(0, len(held_out) - PROMPT_TOKENS - 1, PROMPTS).long().tolist()
    prompts = [tokenizer.decode(held_out[s:s + PROMPT_TOKENS].tolist()) for s in prompt_starts]
    config = GenerationConfig(max_new_tokens=NEW_TOKENS, greedy=True, top_candidates=1)
    rows, reference_tokens = [], None
    for name, loaded in in_each_precision(lambda name: load_model(str(folder), "cpu", name), rows):
        with torch.inference_mode():
            losses = [loaded.model(input_ids=batch, labels=batch).loss.float().item() for batch in windows.split(16)]
        tokens = []
        for prompt in prompts:
            done = list(generate_stream(loaded, prompt, config))[-1]
            tokens.append([step["id"] for step in done["steps"][0]])
        if reference_tokens is None:
            reference_tokens = tokens
        same = [sum(a == b for a, b in zip(ours, theirs)) for ours, theirs in zip(tokens, reference_tokens)]
        first = [next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), len(theirs))
                 for ours, theirs in zip(tokens, reference_tokens)]
        total = sum(len(t) for t in reference_tokens)
        rows.append({"precision": name, "identical": sum(same) / total, "first_difference": float(np.mean(first)),
                     "perplexity": math.exp(sum(losses) / len(losses))})
    return rows


# speech


def tone_word(word: str, rng) -> np.ndarray:
    parts = []
    for letter in word:
        pitch = 300 + 150 * LETTERS.index(letter)  # 300..1350 Hz, one pitch per letter
        t = np.arange(int(RATE * LETTER_SECONDS * rng.uniform(0.8, 1.25))) / RATE
        envelope = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.01)
        parts.append(envelope * (np.sin(2 * np.pi * pitch * t) + 0.3 * np.sin(4 * np.pi * pitch * t)))
    return np.concatenate(parts)


def synthetic_clip(rng, words: int = 3) -> tuple[np.ndarray, str]:
    """(samples, text): `words` random words of 2-4 letters as tones, silence between, a little noise."""
    text = " ".join("".join(rng.choice(list(LETTERS), rng.integers(2, 5))) for _ in range(words))
    gap = np.zeros(int(RATE * GAP_SECONDS))
    pieces = [gap]
    for word in text.split():
        pieces += [tone_word(word, rng), gap]
    samples = 0.3 * np.concatenate(pieces) * rng.uniform(0.5, 1.5)
    return (samples + 0.01 * rng.standard_normal(len(samples))).astype(np.float32), text


def train_ctc(folder: Path, steps: int, seed: int = 0) -> dict:
    """A small Wav2Vec2ForCTC trained with CTC on synthetic clips; saved with its processor into `folder`."""
    import torch
    from transformers import Wav2Vec2ForCTC

    from tests.tiny_wav2vec2 import VOCAB, build_processor, tiny_config

    processor = build_processor(folder)
    torch.manual_seed(seed)
    model = Wav2Vec2ForCTC(tiny_config(hidden_size=64, intermediate_size=128, num_attention_heads=4,
                                       conv_dim=(64, 64, 64, 64), mask_time_prob=0.0, layerdrop=0.0,
                                       ctc_loss_reduction="mean"))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3, total_steps=steps, pct_start=0.1)
    rng = np.random.default_rng(seed)
    model.train()
    loss = float("nan")
    for _ in range(steps):
        clips = [synthetic_clip(rng) for _ in range(8)]
        inputs = processor.feature_extractor([c for c, _ in clips], sampling_rate=RATE, padding=True,
                                             return_tensors="pt", return_attention_mask=True)
        labels = [[VOCAB["|" if ch == " " else ch] for ch in text] for _, text in clips]
        width = max(map(len, labels))
        label_ids = torch.tensor([row + [-100] * (width - len(row)) for row in labels])
        out = model(inputs["input_values"], attention_mask=inputs["attention_mask"], labels=label_ids)
        optimizer.zero_grad(set_to_none=True)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        loss = out.loss.item()
    model.eval().save_pretrained(folder)
    return {"loss": loss}


def cer(hypothesis: str, reference: str) -> float:
    from torchaudio.functional import edit_distance

    return edit_distance(hypothesis, reference) / max(1, len(reference))


def speech_quality(folder: Path, clips: int = 40) -> list[dict]:
    """CER of each precision's transcripts (through the app's load_recognizer) against float32's and the truth."""
    import copy
    import dataclasses

    from playground.precision import PRECISIONS as FORMATS
    from playground.speech.audio import prepare
    from playground.speech.recognize import load_recognizer, transcribe

    rng = np.random.default_rng(12345)  # held out: not a clip the model trained on
    tests = [synthetic_clip(rng) for _ in range(clips)]
    rows, reference = [], None
    for name, recognizer in in_each_precision(lambda name: load_recognizer(str(folder), "cpu", name), rows):
        texts = [transcribe(recognizer, prepare(RATE, samples)).text for samples, _ in tests]
        reference = reference or texts
        joined = lambda items: " | ".join(items)  # noqa: E731
        rows.append({"precision": name, "cer_vs_float32": cer(joined(texts), joined(reference)),
                     "cer_vs_truth": cer(joined(texts), joined([t for _, t in tests])),
                     "identical_transcripts": sum(a == b for a, b in zip(texts, reference)) / len(tests)})
        if name == "float32":  # bfloat16 all through, waveform convolution included: how the app ran it before
            whole = FORMATS["bfloat16"].prepare(copy.deepcopy(recognizer.model), recognizer.device)
            before = dataclasses.replace(recognizer, model=whole, precision=None)
            texts = [transcribe(before, prepare(RATE, samples)).text for samples, _ in tests]
            rows.append({"precision": "bfloat16, whole model (before)",
                         "cer_vs_float32": cer(joined(texts), joined(reference)),
                         "cer_vs_truth": cer(joined(texts), joined([t for _, t in tests])),
                         "identical_transcripts": sum(a == b for a, b in zip(texts, reference)) / len(tests)})
    return rows


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpt-steps", type=int, default=600)
    parser.add_argument("--ctc-steps", type=int, default=800)
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--only", choices=("text", "speech"), default=None, help="measure one of the two")
    args = parser.parse_args(argv)

    import torch

    work = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    started = time.perf_counter()
    lines, text_rows, speech_rows = [], [], []
    if args.only != "speech":
        lines += text_lines(work, args.gpt_steps, text_rows)
    if args.only != "text":
        ctc = train_ctc(work / "ctc", args.ctc_steps)
        speech_rows = speech_quality(work / "ctc")
        lines += ["", f"Small CTC model (Wav2Vec2ForCTC, 64 wide, 2 layers) trained here for {args.ctc_steps} steps "
                      f"on synthetic tone-letter speech (final training loss {ctc['loss']:.3f}); 40 held-out clips; "
                      f"cpu, {torch.get_num_threads()} threads.", ""]
        lines += table("| precision | CER vs float32's transcripts | CER vs the truth | transcripts identical to "
                       "float32 |", speech_rows, lambda row: [f"{row['cer_vs_float32']:.2%}",
                                                              f"{row['cer_vs_truth']:.2%}",
                                                              f"{row['identical_transcripts']:.0%}"])
    lines += ["", f"({time.perf_counter() - started:.0f} s in all, training included)"]
    report = "\n".join(lines)
    print(report)
    figures = {"text": text_rows, "speech": speech_rows}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


def text_lines(work: Path, steps: int, rows: list) -> list[str]:
    """Train the tiny GPT, measure it in each precision into `rows`, and give the report's lines."""
    import torch

    from playground.precision import resolve

    gpt = train_gpt(work / "tiny-gpt", steps)
    rows += text_quality(work / "tiny-gpt", gpt["corpus"])
    lines = [f"Tiny GPT trained here for {steps} steps on the standard library's docstrings "
             f"({gpt['done']['parameters']:,} parameters, held-out loss {gpt['done']['val_loss']:.3f}); "
             f"{PROMPTS} held-out prompts x {NEW_TOKENS} greedy tokens; cpu, {torch.get_num_threads()} threads. "
             f"auto here: {resolve('auto', 'cpu').describe()}.", ""]
    lines += table("| precision | greedy tokens identical to float32 | first difference (mean token) | "
                   "held-out perplexity |", rows,
                   lambda row: [f"{row['identical']:.1%}", f"{row['first_difference']:.1f} of {NEW_TOKENS}",
                                f"{row['perplexity']:.3f}"])
    return lines


if __name__ == "__main__":
    main()
