"""Figures as plain dicts, for the plots a live page redraws several times a second.

Why: building a plotly `go.Figure` validates every property as it is set;
`make_subplots` plus `style()` cost 50-500 ms a figure on a busy 2-core CPU,
and that time is taken from the training thread (the GIL). A `Chart` is the
same JSON the browser draws, built from dicts in well under a millisecond.
Gradio's `gr.Plot` takes it as it takes a plotly figure (it calls `to_json`).
`Chart.data` and `Chart.layout` mirror the plotly attributes tests read.
"""

import base64
import io

from playground.plots.style import COLOURS, GRID

AXIS = dict(gridcolor=GRID, zeroline=False, linecolor="#9ca3af", showline=True)


class Chart:
    """A plotly figure as {'data': [trace dicts], 'layout': dict}."""

    def __init__(self, data: list[dict] | None = None, layout: dict | None = None):
        self.data, self.layout = list(data or []), dict(layout or {})

    def to_plotly_json(self) -> dict:
        return {"data": self.data, "layout": self.layout}

    def to_json(self) -> str:
        import plotly.io

        return plotly.io.to_json(self.to_plotly_json(), validate=False)


def layout(*, title: str | None = None, height: int = 360, axes: int = 1, **extra) -> dict:
    """What `style.style` sets, for `axes` x/y axis pairs (xaxis, xaxis2, ...)."""
    base = dict(height=height, margin=dict(l=55, r=20, t=50 if title else 25, b=45),
                font=dict(family="Inter, Arial, sans-serif", size=12),
                legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), colorway=COLOURS,
                paper_bgcolor="white", plot_bgcolor="white")
    if title:
        base["title"] = dict(text=title, x=0.01, font=dict(size=15))
    for index in range(1, axes + 1):
        suffix = "" if index == 1 else str(index)
        base[f"xaxis{suffix}"] = dict(AXIS, anchor=f"y{suffix}")
        base[f"yaxis{suffix}"] = dict(AXIS, anchor=f"x{suffix}")
    base.update(extra)
    return base


def grid(rows: int, cols: int, *, horizontal_spacing: float, vertical_spacing: float = 0.0) -> list[list[dict]]:
    """make_subplots' domains: [row][col] -> {'x': (x0, x1), 'y': (y0, y1), 'axis': '' | '2' | ...}, top row
    first, axes numbered row by row."""
    width = (1 - horizontal_spacing * (cols - 1)) / cols
    height = (1 - vertical_spacing * (rows - 1)) / rows
    cells = []
    for r in range(rows):
        top = 1 - r * (height + vertical_spacing)
        cells.append([{"x": (c * (width + horizontal_spacing), c * (width + horizontal_spacing) + width),
                       "y": (top - height, top), "axis": "" if r * cols + c == 0 else str(r * cols + c + 1)}
                      for c in range(cols)])
    return cells


def place(chart_layout: dict, cell: dict) -> None:
    """Give the cell's axes their domains."""
    chart_layout.setdefault(f"xaxis{cell['axis']}", dict(AXIS, anchor=f"y{cell['axis']}"))["domain"] = cell["x"]
    chart_layout.setdefault(f"yaxis{cell['axis']}", dict(AXIS, anchor=f"x{cell['axis']}"))["domain"] = cell["y"]


def title_over(cell: dict, text: str, size: int = 16) -> dict:
    """A subplot title, as make_subplots writes it: an annotation centred above the cell."""
    return dict(text=text, x=(cell["x"][0] + cell["x"][1]) / 2, y=cell["y"][1], xref="paper", yref="paper",
                xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=size))


def title_right_of(cell: dict, text: str, size: int = 16) -> dict:
    """A row title, as make_subplots writes it: turned 90°, right of the cell."""
    return dict(text=text, x=cell["x"][1], y=(cell["y"][0] + cell["y"][1]) / 2, xref="paper", yref="paper",
                xanchor="left", yanchor="middle", xshift=2, textangle=90, showarrow=False, font=dict(size=size))


def colourscale(name: str) -> list:
    """A plotly.py colour scale by name ('RdBu_r', 'Blues') as the explicit list plotly.js needs."""
    import plotly.colors

    return plotly.colors.get_colorscale(name)


def png_source(pixels) -> str:
    """An (H, W, 3) uint8 array as a data URL: PNG, or JPEG when large (noisy mosaics compress badly as PNG)."""
    from PIL import Image

    buffer = io.BytesIO()
    large = pixels.shape[0] * pixels.shape[1] > 150_000
    Image.fromarray(pixels).save(buffer, format="JPEG" if large else "PNG", quality=88)  # optimize: 5x the time
    return f"data:image/{'jpeg' if large else 'png'};base64," + base64.b64encode(buffer.getvalue()).decode()
