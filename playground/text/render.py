"""Pictures of what the model did: token chips, text coloured by probability, the candidates chart.

Plain HTML strings and plotly figures, so the UI only places them and a test
can read them. Figures use `template="none"`: gradio re-sends a whole figure on
every update and the default template is ten times bigger.
"""

import html

LOW, HIGH = 0, 130  # hue of a token the model found unlikely (red) and certain (green)


def escape(text: str) -> str:
    """HTML-escaped, with the characters gradio's HTML templates would read as placeholders escaped too."""
    return html.escape(text).replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")


def visible(piece: str) -> str:
    """Spaces and line breaks made visible, for pieces shown on their own."""
    return piece.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥") or "∅"


def prompt_tokens_html(tokens: list[dict]) -> str:
    """Each prompt token as a chip: the piece on top, its id below."""
    if not tokens:
        return ""
    chips = "".join(
        f'<span title="token {escape(repr(t["token"]))} · id {t["id"]}" style="display:inline-flex;'
        f'flex-direction:column;align-items:center;margin:2px;padding:2px 6px;border-radius:6px;'
        f'background:{("#dbeafe", "#fde68a")[i % 2]};color:#111;font-family:monospace">'
        f'<span style="white-space:pre">{escape(visible(t["piece"]))}</span>'
        f'<small style="opacity:.65">{t["id"]}</small></span>'
        for i, t in enumerate(tokens))
    return f'<div style="line-height:2.2"><b>{len(tokens)} tokens:</b> {chips}</div>'


def probability_colour(probability: float) -> str:
    return f"hsl({LOW + (HIGH - LOW) * max(0.0, min(1.0, probability)):.0f}, 75%, 82%)"


def probability_html(prompt: str, steps: list[dict], *, selected: int | None = None) -> str:
    """The prompt in grey, then each generated token on a background from red (unlikely) to green (certain)."""
    from playground import i18n

    spans = []
    for i, step in enumerate(steps):
        tip = i18n.t("text.render.tip", step=i + 1, id=step["id"], probability=step["probability"])
        text = step["piece"] if not step["special"] else f'⟨{step["token"]}⟩'
        border = "outline:2px solid #2563eb;" if i == selected else ""
        spans.append(f'<span title="{escape(tip)}" style="background:{probability_colour(step["probability"])};'
                     f'color:#111;border-radius:3px;{border}">{escape(text)}</span>')
    legend = "".join(f'<span style="background:{probability_colour(p)};color:#111;padding:0 6px;border-radius:3px;'
                     f'margin-right:4px">{p:.0%}</span>' for p in (0.02, 0.1, 0.3, 0.6, 0.9))
    return (f'<div style="font-size:.85em;margin-bottom:6px">{escape(i18n.t("text.render.legend"))} {legend}'
            f'{escape(i18n.t("text.render.hover"))}</div>'
            f'<div style="white-space:pre-wrap;font-family:monospace;line-height:1.6;padding:8px;'
            f'border:1px solid #ddd;border-radius:6px"><span style="color:#888">{escape(prompt)}</span>'
            f'{"".join(spans)}</div>')


def candidates_figure(step: dict | None, index: int):
    """Horizontal bars: the likeliest next tokens at one step, the one that came out in blue."""
    import plotly.graph_objects as go

    from playground import i18n

    figure = go.Figure()
    if step:
        candidates = list(reversed(step["candidates"]))  # plotly draws the first bar at the bottom
        labels = [f"{visible(c['piece'])!s}  ({c['id']})" for c in candidates]
        figure.add_bar(x=[c["probability"] for c in candidates], y=labels, orientation="h",
                       marker_color=["#2563eb" if c["id"] == step["id"] else "#9ca3af" for c in candidates],
                       text=[f"{c['probability']:.1%}" for c in candidates], textposition="outside",
                       hovertemplate="%{y}: %{x:.2%}<extra></extra>")
        chosen = visible(step["token"] if step["special"] else step["piece"])
        title = i18n.t("text.render.chart_title", step=index + 1, chosen=chosen, probability=step["probability"])
    else:
        title = i18n.t("text.render.chart_empty")
    top = max((c["probability"] for c in step["candidates"]), default=1.0) if step else 1.0
    figure.update_layout(template="none", title=dict(text=title, font_size=14), height=360,
                         margin=dict(l=140, r=30, t=40, b=40),
                         xaxis=dict(title=i18n.t("text.render.probability"), tickformat=".0%", range=[0, top * 1.18]),  # room for labels
                         yaxis=dict(automargin=True))
    return figure
