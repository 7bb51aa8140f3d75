"""Figures of attention: who looked where, per layer and head, with a head picker inside the figure.

For a sequence: on top, one row per (layer, head) saying what [CLS] looked at
(every head at a glance); below, the full map of the head picked in the
dropdown, a row per token looking and a column per token looked at. For an
image: the picked head's [CLS] attention over the patches, laid on the
picture. The picker is a plotly dropdown, so switching heads costs no round
trip to the server. Text (GPT) attention uses the same `head_picker_map`.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground import i18n
from playground.plots.style import style

HEAT = "Viridis"


def _head_names(layers: list) -> list[tuple[int, int, str]]:
    return [(layer, head, i18n.t("plots.attention.layer_head", layer=layer + 1, head=head + 1))
            for layer, maps in enumerate(layers) for head in range(len(maps))]


def _picker(names: list[str], traces_per_choice: int, fixed: int, *, y: float = 1.13) -> dict:
    """A dropdown showing one choice's traces; the first `fixed` traces (the overview) always stay."""
    buttons = []
    for index, name in enumerate(names):
        visible = [True] * fixed + [False] * (len(names) * traces_per_choice)
        for k in range(traces_per_choice):
            visible[fixed + index * traces_per_choice + k] = True
        buttons.append(dict(label=name, method="update", args=[{"visible": visible}]))
    return dict(buttons=buttons, direction="down", x=1.0, xanchor="right", y=y, yanchor="bottom",
                active=len(names) - 1, showactive=True)


def head_picker_map(layers: list, labels: list[str], *, title: str, explain: str | None = None,
                    overview: np.ndarray | None = None, overview_title: str = "", named: str = "") -> go.Figure:
    """`layers`: per layer a (heads, tokens, tokens) array. With `overview` (layers*heads, tokens) a heatmap of
    one row per head sits on top; the picked head's full map below. Starts on the last layer's last head."""
    explain = i18n.t("plots.attention.explain_map") if explain is None else explain
    names = _head_names(layers)
    short = [label if len(label) <= 14 else label[:13] + "…" for label in labels]
    if overview is not None:
        fig = make_subplots(rows=2, cols=1, row_heights=[0.35, 0.65], vertical_spacing=0.12,
                            subplot_titles=[overview_title, i18n.t("plots.attention.picked", explain=explain)])
        fig.add_heatmap(z=overview, x=short, y=[n for _, _, n in names], colorscale=HEAT, zmin=0, zmax=1,
                        colorbar=dict(title=i18n.t("plots.attention.share"), tickformat=".0%", len=0.9), row=1, col=1,
                        hovertemplate=i18n.t("plots.attention.overview_hover") + "<extra></extra>")
        fig.update_yaxes(autorange="reversed", automargin=True, row=1, col=1)  # "layer 1 · head 1" in full
        row, fixed = dict(row=2, col=1), 1
    else:
        fig, row, fixed = go.Figure(), {}, 0
    last = len(names) - 1
    for index, (layer, head, name) in enumerate(names):
        fig.add_heatmap(z=np.asarray(layers[layer][head]), x=short, y=short, colorscale=HEAT, zmin=0, zmax=1,
                        visible=index == last, showscale=overview is None,
                        hovertemplate=i18n.t("plots.attention.map_hover") + "<extra>" + name + "</extra>",
                        colorbar=dict(title=i18n.t("plots.attention.share"), tickformat=".0%"), **row)
    fig.update_yaxes(autorange="reversed", title_text=i18n.t("plots.attention.looking"), **row)
    looked = i18n.t("plots.attention.looked_named", named=named) if named else i18n.t("plots.attention.looked")
    fig.update_xaxes(title_text=looked, tickangle=-45 if len(labels) > 12 else 0,
                     title_standoff=30 if len(labels) > 12 else 8, automargin=True, **row)
    height = 260 + 18 * len(labels) + (120 + 16 * len(names) if overview is not None else 0)
    fig = style(fig, title=title, height=min(1100, max(420, height)))
    # the picker sits above the first panel's title, not on it
    fig.update_layout(updatemenus=[_picker([n for _, _, n in names], 1, fixed, y=1.07)],
                      margin=dict(t=140, l=120))
    fig.update_annotations(font_size=12)
    return fig


def sequence_attention(result: dict, *, title: str) -> go.Figure:
    """The overview of every head plus the picked head's map, for one sequence (see inspect/attention.py)."""
    from playground.inspect.attention import summary_rows

    layers = [np.asarray(layer) for layer in result["layers"]]
    overview = summary_rows(result).numpy().reshape(-1, len(result["labels"]))
    what = i18n.t("plots.attention.overview_cls" if result["has_cls"] else "plots.attention.overview_received")
    return head_picker_map(layers, result["labels"], title=title, overview=overview, overview_title=what,
                           named=result.get("named", ""))


def image_attention(result: dict, image, *, patch: int, title: str) -> go.Figure:
    """The picked head's [CLS] attention over the patches (or, without [CLS], attention received) on the picture."""
    from playground.inspect.attention import summary_rows

    picture = np.clip(np.asarray(image), 0, 1)
    picture = np.repeat(picture, 3, axis=0) if picture.shape[0] == 1 else picture[:3]
    picture = (picture.transpose(1, 2, 0) * 255).astype(np.uint8)
    height, width = picture.shape[:2]
    rows_, cols = height // patch, width // patch
    overview = summary_rows(result).numpy()  # (layers, heads, tokens)
    offset = 1 if result["has_cls"] else 0
    names = _head_names(result["layers"])
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.06,
                        subplot_titles=[i18n.t("plots.attention.picture"), i18n.t("plots.attention.laid_on")])
    fig.add_trace(go.Image(z=picture), row=1, col=1)
    last = len(names) - 1
    for index, (layer, head, name) in enumerate(names):
        share = overview[layer, head, offset:].reshape(rows_, cols)
        fig.add_trace(go.Image(z=picture), row=1, col=2)
        fig.add_heatmap(z=share, x0=(patch - 1) / 2, dx=patch, y0=(patch - 1) / 2, dy=patch, colorscale=HEAT,
                        opacity=0.6, zmin=0, zmax=float(share.max()) or 1.0, row=1, col=2,
                        colorbar=dict(title=i18n.t("plots.attention.share"), tickformat=".0%"),
                        hovertemplate=f"{name}: {i18n.t('plots.attention.patch_hover')}<extra></extra>")
        fig.data[-1].visible = fig.data[-2].visible = index == last
    for col in (1, 2):
        fig.update_xaxes(visible=False, row=1, col=col)
        fig.update_yaxes(visible=False, row=1, col=col)
    fig = style(fig, title=title, height=480)
    fig.update_layout(updatemenus=[_picker([n for _, _, n in names], 2, 1, y=1.08)], margin=dict(t=110))
    fig.update_annotations(font_size=12)
    return fig
