"""The Text tab's attention panel: which earlier tokens each token of the generated text looked at.

After a generation, "Show attention" runs the model once over the prompt and
its continuation (text/attention.py) and draws one layer's maps, a head picker
inside the figure; the Layer slider picks the layer. The maps are kept in the
visitor's gr.State, so moving the slider redraws without running the model.
"""

import gradio as gr

from playground import i18n
from playground.errors import UserError


def _header(number: int, lang: str) -> str:
    return f"── {i18n.t('text.output.sequence', lang=lang, number=number)} ──"


def first_sequence(text: str) -> str:
    """The text box holds prompt + continuation, or several sequences under headers (in the language the page
    was in when it generated): the first one."""
    text = text or ""
    for lang in i18n.LANGUAGES:
        if text.startswith(_header(1, lang) + "\n"):
            return text[len(_header(1, lang)) + 1:].split("\n\n" + _header(2, lang))[0]
    return text


def draw(maps: dict | None, layer: int):
    from playground.plots.attention import head_picker_map
    from playground.text.attention import readable

    layer = max(1, min(int(layer or 1), len(maps["layers"])))
    picked = maps["layers"][layer - 1].numpy()
    dropped = i18n.t("text.attention.dropped", tokens=len(maps["labels"])) if maps["dropped"] else ""
    explain = i18n.t("text.attention.explain")
    fig = head_picker_map([picked], readable(maps["labels"]), explain=explain,
                          title=i18n.t("text.attention.title", layer=layer, layers=len(maps["layers"]),
                                       dropped=dropped, explain=explain))
    for button, head in zip(fig.layout.updatemenus[0].buttons, range(len(picked))):
        button.label = i18n.t("plots.attention.head", head=head + 1)
    return fig


def show(model_id: str, text: str, layer: int):
    """{'plot', 'layer', 'maps', 'note'}: the attention of the loaded model over the text box's first sequence."""
    from playground.text.attention import text_attention
    from playground.text.loading import load_model

    try:
        maps = text_attention(load_model(model_id), first_sequence(text))
    except UserError as error:
        return {"note": f"⚠️ {error}"}
    layers = len(maps["layers"])
    return {"maps": maps, "plot": draw(maps, min(int(layer or layers), layers)),
            "layer": gr.update(maximum=max(2, layers), value=min(int(layer or layers), layers), visible=layers > 1),
            "note": i18n.t("text.attention.note", layers=layers, heads=len(maps["layers"][0]),
                           tokens=len(maps["labels"]))}


def build(model, text):
    """The panel under the generated text; `model` and `text` are the tab's model picker and output box."""
    with gr.Accordion(i18n.ui("text.attention.panel.label"), open=False, elem_id="text-attention"):
        gr.Markdown(i18n.ui("text.attention.intro"))
        with gr.Row():
            button = gr.Button(i18n.ui("text.attention.button"), scale=1)
            layer = gr.Slider(1, 2, value=1, step=1, label=i18n.ui("text.attention.layer.label"), visible=False,
                              scale=3, info=i18n.ui("text.attention.layer.info"))
        note = gr.Markdown()
        plot = gr.Plot(label=i18n.ui("text.attention.plot.label"), elem_id="text-attention-plot")
    maps = gr.State()
    parts = {"plot": plot, "layer": layer, "maps": maps, "note": note}
    button.click(lambda m, t, l: _keyed(parts, show(m, t, l)), [model, text, layer], list(parts.values()),
                 api_name="text_attention")
    layer.change(lambda s, l: draw(s, l) if s else gr.skip(), [maps, layer], plot, api_visibility="private",
                 trigger_mode="always_last")


def _keyed(parts: dict, changes: dict) -> dict:
    return {parts[name]: value for name, value in changes.items()}
