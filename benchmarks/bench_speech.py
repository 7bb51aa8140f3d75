"""Real-time factor of our speech recognition against transformers' ASR pipeline, in the same run.

A wav2vec2-base-shaped CTC model (Wav2Vec2Config's defaults: 7 conv layers,
12 transformer layers of 768, a 32-letter head) with random weights, since
speed does not depend on what the weights learned, and nothing is downloaded.
Both sides get the same 10 s of 16 kHz mono float32 audio; runs alternate
between them so background load hits both alike. The real-time factor is
compute seconds per second of audio (lower is faster). Prints a markdown table.

Ours also runs in each of `--precisions`, converted as the app converts a
model (playground.speech.recognize.prepare: the format, then the float32
waveform convolution of bfloat16 on a CPU); `--whole-bf16` adds bfloat16 all
through, as before that convolution was kept float32. Each speed-up is against the
float32 pipeline run in the same round.

    python benchmarks/bench_speech.py [--seconds 10] [--runs 5] [--device auto] [--threads N]
                                      [--precisions bfloat16,int8] [--whole-bf16]
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from pairing import add_arguments, converted, device_and_sync, interleave, load_average, paired, where  # noqa: E402

LETTERS = "ETAONIHSRDLUMWCFGYPBVK'XJQZ"  # wav2vec2-base-960h's 32-token layout: 4 specials, "|", 27 letters


def base_sized(device):
    """(Recognizer, pipeline) over one random wav2vec2-base-shaped model."""
    import json
    import tempfile

    import torch
    from transformers import (Wav2Vec2Config, Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor, Wav2Vec2ForCTC,
                              Wav2Vec2Processor, pipeline)

    from playground.speech.recognize import Recognizer

    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, **{c: i + 5 for i, c in enumerate(LETTERS)}}
    vocab_file = Path(tempfile.mkdtemp()) / "vocab.json"
    vocab_file.write_text(json.dumps(vocab))
    tokenizer = Wav2Vec2CTCTokenizer(str(vocab_file))
    extractor = Wav2Vec2FeatureExtractor(sampling_rate=16_000, do_normalize=True, return_attention_mask=False)
    torch.manual_seed(0)
    model = Wav2Vec2ForCTC(Wav2Vec2Config(vocab_size=len(vocab), pad_token_id=0)).to(device).eval()
    recognizer = Recognizer(Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer), model, device)
    asr = pipeline("automatic-speech-recognition", model=model, tokenizer=tokenizer, feature_extractor=extractor,
                   device=device)
    return recognizer, asr


def speech_like(seconds: float, rate: int = 16_000) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    pitch = 2 * np.pi * np.cumsum(140 + 40 * np.sin(2 * np.pi * 0.7 * t)) / rate
    voice = sum(np.sin(k * pitch) / k for k in range(1, 12)) * (0.6 + 0.4 * np.sin(2 * np.pi * 2.3 * t))
    return (0.3 * voice + 0.02 * np.random.default_rng(0).standard_normal(len(t))).astype(np.float32)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="audio length")
    parser.add_argument("--whole-bf16", action="store_true",
                        help="also time bfloat16 with the waveform convolution in bfloat16 too (how the app ran it before)")
    add_arguments(parser)
    args = parser.parse_args(argv)

    import torch

    from playground.speech.audio import prepare
    from playground.speech.recognize import prepare as speech_prepare
    from playground.speech.recognize import transcribe

    device, sync = device_and_sync(args)
    recognizer, asr = base_sized(device)
    clip = prepare(16_000, speech_like(args.seconds))
    ours_text, theirs_text = transcribe(recognizer, clip).text, asr(clip.samples.copy())["text"]  # warm-up
    assert ours_text == theirs_text, "our transcript and the pipeline's differ"
    sides = {"ours, float32": recognizer}
    for name in args.precisions.split(","):
        other = converted(recognizer, name, speech_prepare)
        if isinstance(other, str):
            raise SystemExit(f"{name}: {other}")
        sides[f"ours, {other.precision.describe()}"] = other
    if args.whole_bf16:
        sides["ours, bfloat16, whole model (before)"] = converted(recognizer, "bfloat16")
    texts = {side: transcribe(r, clip).text for side, r in sides.items()}  # warm-up, and what each heard
    work = {**{side: (lambda r=r: transcribe(r, clip)) for side, r in sides.items()},
            "pipeline, float32": lambda: asr(clip.samples.copy())}
    began = load_average()
    timed = interleave(args.runs, work, sync)
    rtf = {side: [t.wall / clip.seconds for t in calls] for side, calls in timed.items()}
    cpu = {side: [t.cpu for t in calls] for side, calls in timed.items()}
    median = {side: statistics.median(values) for side, values in rtf.items()}
    speed_up = {side: paired(rtf["pipeline, float32"], rtf[side]) for side in rtf}
    print(f"\nwav2vec2-base-shaped CTC model (random weights, "
          f"{sum(p.numel() for p in recognizer.model.parameters()) / 1e6:.1f} M parameters), "
          f"{clip.seconds:g} s of 16 kHz audio, {where(device)}, torch {torch.__version__}, {args.runs} interleaved runs "
          f"per side (load average {began} before, "
          f"{load_average()} after)\n")
    print("| | median real-time factor | min - max | speed-up over the float32 pipeline (paired runs) | "
          "median CPU s | speed vs real time | transcript as float32's |")
    print("|---|---|---|---|---|---|---|")
    for side in work:
        same = "yes" if texts.get(side, ours_text) == ours_text else "no (random weights: see bench_quality for CER)"
        print(f"| {side} | {median[side]:.4f} | {min(rtf[side]):.4f} - {max(rtf[side]):.4f} | {speed_up[side]:.2f}x | "
              f"{statistics.median(cpu[side]):.3f} | {1 / median[side]:.1f}x | {same} |")
    best = max(sides, key=lambda side: speed_up[side])
    print(f"\nfastest of ours: {best}, RTF {median[best]:.4f}, **{speed_up[best]:.2f}x** the float32 pipeline (paired "
          f"runs); float32 ours and the pipeline transcribe identically: {ours_text == theirs_text}")
    return {"rtf": median, "speed_up": speed_up, "spread": {k: (min(v), max(v)) for k, v in rtf.items()}}


if __name__ == "__main__":
    main()
