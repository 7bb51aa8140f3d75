"""Figures for a look inside the network: neuron thumbnails, feature maps, RNN states and gates, histograms.

Thumbnails are drawn into one picture (sent as a PNG) rather than as dozens of
plotly heatmaps, so a grid of 64 neurons costs one small image to stream.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground import i18n
from playground.plots.style import COLOURS, style

# blue (negative) - white (zero) - orange (positive), and a dark-to-bright scale for non-negative maps
DIVERGING = ["#2563eb", "#93c5fd", "#ffffff", "#fdba74", "#ea580c"]
SEQUENTIAL = ["#0f172a", "#1e3a8a", "#0891b2", "#84cc16", "#fde047"]


def colourize(values: np.ndarray, stops: list[str], low: float, high: float) -> np.ndarray:
    """Map a 2-D array onto a colour scale: (H, W) floats -> (H, W, 3) uint8."""
    rgb = np.array([[int(s[i:i + 2], 16) for i in (1, 3, 5)] for s in stops], dtype=np.float64)
    position = np.clip((values - low) / max(high - low, 1e-12), 0, 1) * (len(stops) - 1)
    index = np.minimum(position.astype(int), len(stops) - 2)
    fraction = (position - index)[..., None]
    return (rgb[index] * (1 - fraction) + rgb[index + 1] * fraction).astype(np.uint8)


def tile(values: np.ndarray, size: int) -> np.ndarray:
    """One thumbnail: zero-centred maps on the diverging scale, non-negative ones on the sequential scale,
    enlarged pixel by pixel to about `size` pixels."""
    extent = float(np.abs(values).max()) or 1.0
    if values.min() < 0:
        image = colourize(values, DIVERGING, -extent, extent)
    else:
        image = colourize(values, SEQUENTIAL, 0.0, extent)
    scale = max(1, size // max(values.shape))
    return image.repeat(scale, axis=0).repeat(scale, axis=1)


def mosaic(rows: list[list[np.ndarray]], labels: list[str], *, title: str, per_row: int = 16):
    """Rows of equal-sized tiles with a label left of each row; long rows wrap after `per_row` tiles.
    A plain `Chart` (chart.py): neuron maps are redrawn while a run trains."""
    lines, line_labels = [], []
    for tiles, label in zip(rows, labels):
        for start in range(0, len(tiles), per_row):
            lines.append(tiles[start:start + per_row])
            line_labels.append(label if start == 0 else "")
    height = max(t.shape[0] for line in lines for t in line)
    width = max(t.shape[1] for line in lines for t in line)
    pad = max(3, height // 8)
    columns = max(len(line) for line in lines)
    canvas = np.full((len(lines) * (height + pad), columns * (width + pad), 3), 255, dtype=np.uint8)
    for r, line in enumerate(lines):
        for c, image in enumerate(line):
            top, left = r * (height + pad), c * (width + pad)
            canvas[top:top + image.shape[0], left:left + image.shape[1]] = image
    from playground.plots import chart

    annotations = [dict(x=-pad, y=r * (height + pad) + height / 2, text=label, showarrow=False, xanchor="right",
                        font=dict(size=11)) for r, label in enumerate(line_labels) if label]
    shown_width = min(canvas.shape[1], 640)  # about the width the picture gets on the page, labels aside
    layout = chart.layout(title=title, height=min(1000, 80 + canvas.shape[0] * shown_width // canvas.shape[1]),
                          margin=dict(l=110, r=10, t=45, b=10), annotations=annotations)
    layout["xaxis"]["visible"] = False
    layout["yaxis"].update(visible=False, scaleanchor="x", autorange="reversed")  # images run top to bottom
    return chart.Chart([dict(type="image", source=chart.png_source(canvas), hoverinfo="skip")], layout)


def neuron_thumbnails(maps: dict, *, limit: int = 32):
    """Every hidden neuron's activation over the plane (up to `limit` per layer), then the outputs."""
    rows, labels = [], []
    for index, layer in enumerate(maps["layers"]):
        count = layer.shape[-1]
        rows.append([tile(layer[::-1, :, n], 64) for n in range(min(count, limit))])  # y axis points up
        labels.append(i18n.t("plots.inside.layer_some", layer=index + 1, shown=limit, count=count) if count > limit
                      else i18n.t("plots.inside.layer_all", layer=index + 1, count=count))
    output = maps["output"]
    rows.append([tile(output[::-1, :, n], 64) for n in range(output.shape[-1])])
    labels.append(i18n.t("plots.inside.output"))
    return mosaic(rows, labels, per_row=12, title=i18n.t("plots.inside.neurons_title"))


def feature_map_grid(layers: list[dict], image, *, limit: int = 32, title: str | None = None):
    """The input, then each conv layer's maps (up to `limit` channels), each map on its own scale."""
    picture = np.clip(np.asarray(image), 0, 1)
    picture = np.repeat(picture, 3, axis=0) if picture.shape[0] == 1 else picture[:3]
    scale = max(1, 64 // picture.shape[1])
    rows = [[(picture.transpose(1, 2, 0) * 255).astype(np.uint8).repeat(scale, 0).repeat(scale, 1)]]
    labels = [i18n.t("plots.inside.input")]
    for layer in layers:
        maps = np.asarray(layer["maps"])
        shown = min(len(maps), limit)
        rows.append([tile(maps[c], 64) for c in range(shown)])
        labels.append(f"{layer['layer']}<br>{len(maps)}×{maps.shape[1]}×{maps.shape[2]}")
    return mosaic(rows, labels, per_row=8,
                  title=title or i18n.t("plots.inside.feature_maps_title"))


def state_name(name: str) -> str:
    """A recurrent state's or gate's name (inspect/rnn_states.py) in the visitor's language."""
    key = f"plots.inside.states.{name.replace(' ', '_')}"
    return i18n.t(key) if key in i18n.catalogue(i18n.DEFAULT) else name


def recurrent_heatmaps(states: dict[str, np.ndarray], sequence, *, title: str) -> go.Figure:
    """The input over time on top, then one heatmap per state or gate: time across, unit down."""
    names = list(states)
    fig = make_subplots(rows=len(names) + 1, cols=1, shared_xaxes=True, vertical_spacing=0.03,
                        subplot_titles=[i18n.t("plots.inside.input"), *map(state_name, names)],
                        row_heights=[0.6] + [1.0] * len(names))
    sequence = np.asarray(sequence)
    for f in range(min(sequence.shape[1], 8)):
        fig.add_scatter(y=sequence[:, f], mode="lines", line=dict(width=1.2, color=COLOURS[f % len(COLOURS)]),
                        showlegend=False, row=1, col=1)
    first_gate = next((name for name in names if "gate" in name), None)
    for row, name in enumerate(names, start=2):
        values = np.asarray(states[name]).T  # (units, time)
        gate = "gate" in name
        # gates lie in [0, 1]; states in [-1, 1], except the LSTM's cell state, which is unbounded
        extent = max(1.0, float(np.abs(values).max())) if name == "cell state" else 1.0
        bar = (dict(len=0.25, y=0.85, title=i18n.t("plots.inside.state")) if row == 2
               else dict(len=0.25, y=0.45, title=i18n.t("plots.inside.gate")))
        fig.add_heatmap(z=values, colorscale="Viridis" if gate else "RdBu_r", zmin=0 if gate else -extent,
                        zmax=extent, showscale=row == 2 or name == first_gate, colorbar=bar,
                        hovertemplate=f"{state_name(name)}<br>{i18n.t('plots.inside.state_hover')}<extra></extra>",
                        row=row, col=1)
        fig.update_yaxes(title_text=i18n.t("plots.inside.unit"), showgrid=False, row=row, col=1)
    fig.update_xaxes(title_text=i18n.t("plots.inside.time_step"), row=len(names) + 1, col=1)
    fig = style(fig, title=title, height=150 + 130 * len(names))
    fig.update_annotations(font_size=11)
    return fig


def histogram_grid(rows: list[dict], initial: list[dict] | None = None, *, title: str, limit: int = 6):
    """Weights (left) and their last gradients (right) per layer; the initial weights as a grey outline.

    Redrawn while a run trains, so it is a plain `Chart` (chart.py)."""
    from playground.plots import chart

    rows = rows[:limit]
    start = {r["layer"]: r for r in initial or []}
    cells = chart.grid(max(1, len(rows)), 2, horizontal_spacing=0.08, vertical_spacing=0.06)
    layout = chart.layout(title=title, height=90 + 120 * len(rows), axes=0, bargap=0, margin=dict(l=55, r=60, t=50, b=45))
    annotations = [chart.title_over(cells[0][0], i18n.t("plots.inside.weights"), 11),
                   chart.title_over(cells[0][1], i18n.t("plots.inside.gradients"), 11)]
    data = []
    for row, (left, right) in zip(rows, cells):
        annotations.append(chart.title_right_of(right, f"{row['layer']} {'×'.join(map(str, row['shape']))}", 11))
        for cell, key, colour in ((left, "weights", COLOURS[0]), (right, "gradients", COLOURS[1])):
            chart.place(layout, cell)
            layout[f"yaxis{cell['axis']}"]["showticklabels"] = False
            hist = row[key]
            if not hist or not hist["counts"]:
                continue
            edges = np.asarray(hist["edges"])
            data.append(dict(type="bar", x=(edges[:-1] + edges[1:]) / 2, y=hist["counts"], width=np.diff(edges),
                             marker=dict(color=colour), showlegend=False, hovertemplate="%{x:.3g}: %{y}<extra></extra>",
                             xaxis=f"x{cell['axis']}", yaxis=f"y{cell['axis']}"))
        first = start.get(row["layer"], {}).get("weights")
        if first and first["counts"]:
            edges = np.asarray(first["edges"])
            data.append(dict(type="scatter", x=(edges[:-1] + edges[1:]) / 2, y=first["counts"], mode="lines",
                             showlegend=row is rows[0], name=i18n.t("plots.inside.weights_start"),
                             line=dict(color="#6b7280", width=1.5, shape="hvh"),
                             xaxis=f"x{left['axis']}", yaxis=f"y{left['axis']}"))
    layout["annotations"] = annotations
    return chart.Chart(data, layout)
