"""The Text tab's attention panel: which earlier tokens each token of the generated text looked at.

After a generation, "Show attention" runs the model once over the prompt and
its continuation (text/attention.py) and draws one layer's maps, a head picker
inside the figure; the Layer slider picks the layer. The maps are kept in the
visitor's gr.State, so moving the slider redraws without running the model.
"""

import gradio as gr

from playground.errors import UserError

SEQUENCE_HEADER = "── sequence 1 ──\n"
EXPLAIN = "each row is a token, each column an earlier token it looked at; a row adds up to 100%"


def first_sequence(text: str) -> str:
    """The text box holds prompt + continuation, or several sequences under headers: the first one."""
    text = text or ""
    if text.startswith(SEQUENCE_HEADER):
        text = text[len(SEQUENCE_HEADER):].split("\n\n── sequence 2 ──")[0]
    return text


def draw(maps: dict | None, layer: int):
    from playground.plots.attention import head_picker_map
    from playground.text.attention import readable

    layer = max(1, min(int(layer or 1), len(maps["layers"])))
    picked = maps["layers"][layer - 1].numpy()
    dropped = f" (its last {len(maps['labels'])} tokens)" if maps["dropped"] else ""
    fig = head_picker_map([picked], readable(maps["labels"]), explain=EXPLAIN,
                          title=f"Layer {layer} of {len(maps['layers'])} over the text{dropped}: {EXPLAIN}. "
                                f"Pick a head ▸")
    for button, head in zip(fig.layout.updatemenus[0].buttons, range(len(picked))):
        button.label = f"head {head + 1}"
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
            "note": f"{layers} layers × {len(maps['layers'][0])} heads over {len(maps['labels'])} tokens."}


def build(model, text):
    """The panel under the generated text; `model` and `text` are the tab's model picker and output box."""
    with gr.Accordion("Which earlier tokens each token looked at (attention)", open=False,
                      elem_id="text-attention"):
        gr.Markdown("Inside a GPT every token looks back at the tokens before it, in every layer and head, and "
                    "mixes in what it finds: a bright square means the token on that row took much from the token "
                    "in that column. Some heads look at the previous token, some at the first, some at the same "
                    "word earlier on.")
        with gr.Row():
            button = gr.Button("Show attention", scale=1)
            layer = gr.Slider(1, 2, value=1, step=1, label="Layer", visible=False, scale=3,
                              info="Early layers often look at neighbours; later ones further back.")
        note = gr.Markdown()
        plot = gr.Plot(label="Attention", elem_id="text-attention-plot")
    maps = gr.State()
    parts = {"plot": plot, "layer": layer, "maps": maps, "note": note}
    button.click(lambda m, t, l: _keyed(parts, show(m, t, l)), [model, text, layer], list(parts.values()),
                 api_name="text_attention")
    layer.change(lambda s, l: draw(s, l) if s else gr.skip(), [maps, layer], plot, api_visibility="private",
                 trigger_mode="always_last")


def _keyed(parts: dict, changes: dict) -> dict:
    return {parts[name]: value for name, value in changes.items()}
