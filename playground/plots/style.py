"""One light, small layout for every figure.

Figures stream to the browser whole on every update, so the template is
"none" (about a tenth of the default's size) with the few settings that keep
it readable added back by hand.
"""

import plotly.graph_objects as go

COLOURS = ["#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#4b5563",
           "#65a30d"]
GRID = "#e5e7eb"


def style(fig: go.Figure, *, title: str | None = None, height: int = 360) -> go.Figure:
    fig.update_layout(template="none", height=height, margin=dict(l=55, r=20, t=50 if title else 25, b=45),
                      title=dict(text=title, x=0.01, font=dict(size=15)) if title else None,
                      font=dict(family="Inter, Arial, sans-serif", size=12),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), colorway=COLOURS,
                      paper_bgcolor="white", plot_bgcolor="white")
    fig.update_xaxes(gridcolor=GRID, zeroline=False, linecolor="#9ca3af", showline=True)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, linecolor="#9ca3af", showline=True)
    return fig


def empty(message: str, height: int = 300) -> go.Figure:
    """A blank figure that says what will appear here."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=14, color="#6b7280"), x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, height=height)


def png_image(pixels, **kwargs) -> go.Image:
    """A plotly image from an (H, W, 3) uint8 array, sent as a PNG (JPEG when large): a fraction of a `z` list."""
    from playground.plots.chart import png_source

    return go.Image(source=png_source(pixels), hoverinfo="skip", **kwargs)
