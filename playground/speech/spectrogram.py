"""What the model heard: the waveform and a log-mel spectrogram, with the recognised words on the time axis.

The spectrogram is torchaudio's `MelSpectrogram` (25 ms windows every 10 ms,
80 mel bands up to 8 kHz, the front end most speech models were built around)
in decibels. One plotly figure holds both panels on a shared time axis in
seconds, running from 0 to the clip's length; each word is a shaded span with
its text above, orange when the model was unsure. Long clips are averaged down
to at most MAX_COLUMNS columns so the figure stays small enough to send.
"""

import numpy as np

N_FFT, HOP, N_MELS = 400, 160, 80
MAX_COLUMNS = 800
WAVE_POINTS = 1500
SURE, UNSURE = "rgba(46, 125, 50, 0.16)", "rgba(239, 108, 0, 0.30)"


def log_mel(samples: np.ndarray, rate: int = 16_000, *, n_mels: int = N_MELS):
    """(decibels [n_mels, frames], frame times in s, band centres in Hz) of a mono clip."""
    import torch
    import torchaudio

    transform = torchaudio.transforms.MelSpectrogram(sample_rate=rate, n_fft=N_FFT, hop_length=HOP, n_mels=n_mels,
                                                     f_max=rate / 2)
    power = transform(torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)))
    decibels = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)(power).numpy()
    times = np.arange(decibels.shape[1]) * HOP / rate  # centred frames: frame i is centred on i * hop
    return decibels, times, mel_centres(n_mels, rate / 2)


def mel_centres(n_mels: int, f_max: float) -> np.ndarray:
    """Centre frequency of each HTK mel band (torchaudio's default scale), for the y axis."""
    top = 2595.0 * np.log10(1.0 + f_max / 700.0)
    points = np.linspace(0.0, top, n_mels + 2)[1:-1]
    return 700.0 * (10 ** (points / 2595.0) - 1.0)


def pool_columns(values: np.ndarray, times: np.ndarray, limit: int = MAX_COLUMNS):
    """Average groups of neighbouring frames so there are at most `limit` columns."""
    group = int(np.ceil(values.shape[1] / limit))
    if group <= 1:
        return values, times
    cut = values.shape[1] // group * group
    pooled = values[:, :cut].reshape(values.shape[0], -1, group).mean(axis=2)
    return pooled, times[:cut].reshape(-1, group).mean(axis=1)


def envelope(samples: np.ndarray, rate: int, points: int = WAVE_POINTS):
    """Min/max per bin, drawn as one filled band: the shape of the waveform at any length."""
    group = max(1, int(np.ceil(len(samples) / points)))
    cut = len(samples) // group * group
    blocks = samples[:cut].reshape(-1, group) if cut else samples.reshape(1, -1)
    times = (np.arange(len(blocks)) + 0.5) * group / rate
    return times, blocks.min(axis=1), blocks.max(axis=1)


def figure(samples: np.ndarray, rate: int = 16_000, words=(), *, low_confidence: float = 0.6, title: str = ""):
    """Waveform above, log-mel spectrogram below, words on the shared time axis (seconds)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from playground import i18n

    duration = len(samples) / rate
    decibels, times, centres = log_mel(samples, rate)
    decibels, times = pool_columns(decibels, times)
    wave_t, low, high = envelope(samples, rate)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.28, 0.72], vertical_spacing=0.04)
    fig.add_trace(go.Scatter(x=np.concatenate([wave_t, wave_t[::-1]]), y=np.concatenate([high, low[::-1]]),
                             fill="toself", mode="lines", line=dict(width=0.6, color="#3b6ea8"),
                             fillcolor="rgba(59, 110, 168, 0.55)", hoverinfo="skip", name="waveform"), row=1, col=1)
    fig.add_trace(go.Heatmap(z=np.round(decibels, 1), x=times, y=np.round(centres), colorscale="Magma",
                             colorbar=dict(title=dict(text="dB"), len=0.7, y=0.36, thickness=12), name="log-mel",
                             hovertemplate=i18n.t("speech.plot.hover") + "<extra></extra>"), row=2, col=1)
    for word in words:
        unsure = word.confidence < low_confidence
        for row in (1, 2):
            fig.add_vrect(x0=word.start, x1=max(word.end, word.start + 0.02), row=row, col=1, line_width=0,
                          fillcolor=UNSURE if unsure else SURE, layer="above" if row == 2 else "below")
        fig.add_annotation(x=(word.start + word.end) / 2, y=1.0, xref="x", yref="paper", yanchor="bottom",
                           text=word.word, showarrow=False, textangle=-40 if len(words) > 12 else 0,
                           font=dict(size=12, color="#e65100" if unsure else "#1b5e20"),
                           hovertext=i18n.t("speech.plot.word", word=word.word, start=word.start, end=word.end,
                                            confidence=word.confidence))
    fig.update_xaxes(range=[0, duration], row=1, col=1)
    fig.update_xaxes(range=[0, duration], title_text=i18n.t("speech.plot.time"), row=2, col=1)
    fig.update_yaxes(range=[-1.05, 1.05], showticklabels=False, title_text=i18n.t("speech.plot.wave"), row=1, col=1)
    fig.update_yaxes(title_text=i18n.t("speech.plot.mel"), row=2, col=1)
    fig.update_layout(template="plotly_white", height=430, showlegend=False, title=title or None,
                      margin=dict(l=60, r=20, t=70 if words else 30, b=40))
    return fig
