"""Real-time factor of our speech recognition against transformers' ASR pipeline, in the same run.

A wav2vec2-base-shaped CTC model (Wav2Vec2Config's defaults: 7 conv layers,
12 transformer layers of 768, a 32-letter head) with random weights, since
speed does not depend on what the weights learned, and nothing is downloaded.
Both sides get the same 10 s of 16 kHz mono float32 audio; runs alternate
between them so background load hits both alike. The real-time factor is
compute seconds per second of audio (lower is faster). Prints a markdown table.

    python benchmarks/bench_speech.py [--seconds 10] [--runs 5] [--device auto]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

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


def timed(work, sync) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): CPU time is less bent by other programs on a shared machine."""
    sync()
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    sync()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="audio length")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side, after one warm-up each")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)

    import torch

    from playground.device import pick_device
    from playground.speech.audio import prepare
    from playground.speech.recognize import transcribe

    device = pick_device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    recognizer, asr = base_sized(device)
    clip = prepare(16_000, speech_like(args.seconds))
    ours_text, theirs_text = transcribe(recognizer, clip).text, asr(clip.samples.copy())["text"]  # warm-up
    assert ours_text == theirs_text, "our transcript and the pipeline's differ"
    times, cpu = {"ours": [], "pipeline": []}, {"ours": [], "pipeline": []}
    work = {"ours": lambda: transcribe(recognizer, clip), "pipeline": lambda: asr(clip.samples.copy())}
    for _ in range(args.runs):  # alternate, so background load hits both sides alike
        for side in ("ours", "pipeline"):
            wall, used = timed(work[side], sync)
            times[side].append(wall)
            cpu[side].append(used)

    rtf = {side: [t / clip.seconds for t in values] for side, values in times.items()}
    median = {side: statistics.median(values) for side, values in rtf.items()}
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
    print(f"\nwav2vec2-base-shaped CTC model (random weights, "
          f"{sum(p.numel() for p in recognizer.model.parameters()) / 1e6:.1f} M parameters), "
          f"{clip.seconds:g} s of 16 kHz audio, {where}, torch {torch.__version__}, {args.runs} runs per side\n")
    print("| | median real-time factor | min - max | median wall s | median CPU s | speed vs real time |")
    print("|---|---|---|---|---|---|")
    for side in ("ours", "pipeline"):
        print(f"| {side} | {median[side]:.4f} | {min(rtf[side]):.4f} - {max(rtf[side]):.4f} | "
              f"{statistics.median(times[side]):.3f} | {statistics.median(cpu[side]):.3f} | {1 / median[side]:.1f}x |")
    ratio = median["ours"] / median["pipeline"]
    print(f"\nours / pipeline real-time factor: {ratio:.3f} (below 1: ours is faster); transcripts identical: "
          f"{ours_text == theirs_text}")
    return {"rtf": median, "ratio": ratio, "spread": {k: (min(v), max(v)) for k, v in rtf.items()}}


if __name__ == "__main__":
    main()
