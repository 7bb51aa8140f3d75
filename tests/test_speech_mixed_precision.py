"""bfloat16 transcription on the CPU keeps the convolution that reads the waveform in float32, and only it.

The speed is measured in benchmarks/bench_speech.py and the quality in
benchmarks/bench_quality.py; here: which layers end up in which format, that the
convolution computes in float32 and hands bfloat16 on, and that the transcript still equals
transformers' pipeline on the same model.
"""

import numpy as np
import pytest
import torch

from tests.tiny_wav2vec2 import build_tiny_wav2vec2


@pytest.fixture(scope="module")
def tiny_speech(tmp_path_factory):
    return str(build_tiny_wav2vec2(tmp_path_factory.mktemp("tiny-wav2vec2-mixed")))


def voiced(seconds: float, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    pitch = 2 * np.pi * (150 + 50 * np.sin(2 * np.pi * 0.9 * t)).cumsum() / rate
    return (0.3 * sum(np.sin(k * pitch) / k for k in range(1, 8))
            + 0.02 * np.random.default_rng(3).standard_normal(len(t))).astype(np.float32)


def test_bfloat16_on_the_cpu_keeps_only_the_waveform_layer_in_float32_and_matches_the_pipeline(tiny_speech):
    from transformers import pipeline

    from playground.speech import mixed_precision
    from playground.speech.audio import prepare
    from playground.speech.recognize import load_recognizer, transcribe

    recognizer = load_recognizer(tiny_speech, "cpu", "bfloat16")
    model = recognizer.model
    name, layer = mixed_precision.waveform_layer(model)
    assert name == "wav2vec2.feature_extractor.conv_layers.0.conv"
    inside = {id(p) for p in layer.parameters()}
    assert inside and all(p.dtype == torch.float32 for p in layer.parameters())
    others = [p for p in model.parameters() if id(p) not in inside]
    assert others and all(p.dtype == torch.bfloat16 for p in others)

    seen = {}

    def noting(key):
        def hook(module, args):
            seen.setdefault(key, args[0].dtype)  # returns None: the input goes on unchanged
        return hook

    handle = layer.register_forward_pre_hook(noting("dtype"))  # runs after ours: what the convolution computes in
    handle_after = model.wav2vec2.feature_extractor.conv_layers[0].layer_norm.register_forward_pre_hook(noting("next"))
    clip = prepare(16000, voiced(2.0))
    try:
        ours = transcribe(recognizer, clip)
    finally:
        handle.remove()
        handle_after.remove()
    assert seen == {"dtype": torch.float32, "next": torch.bfloat16}  # float32 in, bfloat16 on to its norm
    asr = pipeline("automatic-speech-recognition", model=model, tokenizer=recognizer.tokenizer,
                   feature_extractor=recognizer.feature_extractor, device="cpu")
    assert ours.text == asr(clip.samples.copy())["text"] and len(ours.words) >= 3


@pytest.mark.parametrize("name, device", [("float32", "cpu"), ("int8", "cpu"), ("bfloat16", "cuda")])
def test_other_formats_and_devices_are_left_as_their_format_converts_them(tiny_speech, name, device):
    from transformers import AutoModelForCTC

    from playground.speech import mixed_precision

    model = AutoModelForCTC.from_pretrained(tiny_speech).to(torch.bfloat16 if name == "bfloat16" else torch.float32)
    before = {n: p.dtype for n, p in model.named_parameters()}
    assert mixed_precision.for_speech(model, name, torch.device(device)) is model
    assert {n: p.dtype for n, p in model.named_parameters()} == before
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in model.modules())


def test_a_model_without_a_waveform_convolution_is_left_alone():
    from torch import nn

    from playground.speech import mixed_precision

    model = nn.Sequential(nn.Conv1d(4, 8, 3), nn.GELU()).to(torch.bfloat16)
    assert mixed_precision.waveform_layer(model) is None
    assert mixed_precision.for_speech(model, "bfloat16", torch.device("cpu")) is model
    assert all(p.dtype == torch.bfloat16 for p in model.parameters())
