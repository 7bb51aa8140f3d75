"""Sequence datasets for recurrent nets: digits read row by row, and noisy waveforms.

A sequence is (time steps, features per step).
"""

import numpy as np

from playground.data.registry import register, split_three

WAVE_SHAPES = ["sine", "square", "triangle", "sawtooth"]
FREQUENCY_BANDS = ["slow", "medium", "fast"]


@register("digits_rows", "sequence", "Digits 0-9 read top to bottom, one 8-pixel row per time step (8 steps).")
def digits_rows():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    rows = (bunch.images / 16.0).astype(np.float32)  # (N, 8 steps, 8 features)
    return {**split_three(rows, bunch.target), "classes": [str(d) for d in range(10)]}


def draw_waves(n: int, steps: int, target: str, noise: float, seed: int = 0):
    """Waveforms (n, steps, 1) with random phase, amplitude and frequency, plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    shape = rng.integers(0, len(WAVE_SHAPES), n)
    band = rng.integers(0, len(FREQUENCY_BANDS), n)
    cycles = np.array([1.0, 2.5, 5.0])[band] * rng.uniform(0.8, 1.2, n)  # cycles over the whole window
    t = np.linspace(0.0, 1.0, steps, endpoint=False)[None, :]
    phase = (t * cycles[:, None] + rng.uniform(0, 1, (n, 1))) % 1.0
    waves = np.select(
        [shape[:, None] == 0, shape[:, None] == 1, shape[:, None] == 2],
        [np.sin(2 * np.pi * phase), np.where(phase < 0.5, 1.0, -1.0), 4 * np.abs(phase - 0.5) - 1],
        2 * phase - 1,
    )
    waves = waves * rng.uniform(0.5, 1.5, (n, 1)) + rng.normal(0.0, noise, (n, steps))
    labels = shape if target == "shape" else band
    return waves[:, :, None].astype(np.float32), labels


@register("waves", "sequence", "Noisy waveforms (1,200 x 50 steps) classified by shape or by frequency band.",
          target="shape", noise=0.25)
def waves(target="shape", noise=0.25):
    if target not in ("shape", "frequency"):
        from playground.errors import UserError

        raise UserError(f"Waves target must be 'shape' or 'frequency', got '{target}'.")
    x, y = draw_waves(1200, 50, target, float(noise))
    return {**split_three(x, y), "classes": WAVE_SHAPES if target == "shape" else FREQUENCY_BANDS}
