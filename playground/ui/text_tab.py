"""The Text tab: GPT-2 (or any causal LM, or the tiny GPT trained below) writing, and what it was thinking.

Press Generate and the continuation streams in token by token, each token on a
background from red (the model found it unlikely) to green (it was sure); the
chart shows the likeliest next tokens at one step. The model loads on first
use (with a progress bar) and stays cached. Stop sets this visitor's flag and
generation ends after the token in flight, keeping what was written and its
probabilities: a Gradio `cancels=` would drop that last update, so it is not
used. Every UserError ends as one sentence in the status line and the tab
keeps working. The tiny GPT panel lives in `text_train.py`.
"""

import time

import gradio as gr

from playground import hub, i18n, limits
from playground.errors import UserError
from playground.gpu import gpu_task
from playground.precision import PRECISION_CHOICES
from playground.text.generate import DEFAULT_PROMPT, GenerationConfig, check_prompt, generate_stream
from playground.text.loading import SUGGESTED_MODELS, cache_kind, load_model
from playground.text.render import candidates_figure, probability_html, prompt_tokens_html
from playground.ui import jobs, sessions, text_attention, text_train
from playground.ui.controls import make_controls, read_controls

MAIN_SETTINGS = ["max_new_tokens", "greedy", "temperature", "top_k", "top_p"]
MORE_SETTINGS = ["repetition_penalty", "num_beams", "num_sequences", "seed", "top_candidates"]
SETTINGS = MAIN_SETTINGS + MORE_SETTINGS
SAMPLING_ONLY = ["temperature", "top_k", "top_p"]
TEXT_SECONDS, CHART_SECONDS = 0.1, 0.5  # how often a stream updates the page: text, and the (re-sent) chart


# handlers


def model_info(model_id: str, precision: str = "auto") -> str:
    """What the model is, if it is loaded already; it loads on the first Generate otherwise."""
    model_id = (model_id or "").strip()
    held = [kind for kind, name in hub.cached_models() if name == model_id and kind.startswith("causal-lm:")]
    try:  # only then is torch needed (the page is built without it)
        if held and cache_kind(precision=precision) in held:
            return load_model(model_id, precision=precision).describe()
    except UserError as error:
        return f"⚠️ {error}"
    return i18n.t("text.info.loads", model=model_id)


def full_text(prompt: str, texts: list[str]) -> str:
    if len(texts) == 1:
        return prompt + texts[0]
    return "\n\n".join(f"── {i18n.t('text.output.sequence', number=i)} ──\n{prompt}{text}"
                       for i, text in enumerate(texts, 1))


def inspect_step(insight: dict | None, sequence: int, step: int):
    """The coloured text (with the step outlined) and the candidates chart for one step of one sequence."""
    if not insight:
        return gr.skip(), gr.skip()
    steps = insight["steps"][min(int(sequence), len(insight["steps"])) - 1]
    index = max(0, min(int(step), len(steps)) - 1)
    return (probability_html(insight["prompt"], steps, selected=index),
            candidates_figure(steps[index] if steps else None, index))


def update(**changes):
    """The generate handler's outputs: the named ones changed, the others left as they are."""
    names = ["status", "info", "text", "prompt_tokens", "coloured", "chart", "step", "sequence", "insight"]
    return [changes.get(name, gr.skip()) for name in names]


@jobs.limited("generate", lambda note: update(status=note))
@gpu_task(duration=60)
def generate(request: gr.Request, model_id, prompt, max_new_tokens, greedy, temperature, top_k, top_p,
             repetition_penalty, num_beams, num_sequences, seed, top_candidates, precision="auto",
             progress=gr.Progress(track_tqdm=True)):
    """Stream: status, model info, text, prompt tokens, coloured text, chart, step and sequence sliders, insight.

    The settings are named one by one (not *values) so that the API shows their names. It runs once a
    generation slot is free (jobs.limited) and for at most PLAYGROUND_MAX_JOB_SECONDS.
    """
    values = [max_new_tokens, greedy, temperature, top_k, top_p, repetition_penalty, num_beams, num_sequences, seed,
              top_candidates]
    try:
        config = read_controls(GenerationConfig, SETTINGS, values)
        limits.check("new_tokens", config.max_new_tokens)
        check_prompt(prompt)
        yield update(status=i18n.t("text.status.loading", model=model_id))
        progress(0.0, desc=i18n.t("text.progress.loading", model=model_id))
        loaded = load_model(model_id, precision=precision)
    except UserError as error:
        yield update(status=f"⚠️ {error}")
        return
    with sessions.job(request, "generate") as (flag, deadline):
        steps, last_text, last_chart = [], 0.0, 0.0
        try:
            for event in generate_stream(loaded, prompt, config, stop=flag):
                if event["event"] == "start":
                    mode = i18n.t("text.mode.streaming" if event["streaming"] else "text.mode.beam")
                    yield update(status=i18n.t("text.status.generating", mode=mode, seed=event["seed"],
                                               precision=loaded.precision.describe()),
                                 info=loaded.describe(), prompt_tokens=prompt_tokens_html(event["prompt_tokens"]),
                                 text=prompt, step=gr.update(visible=False), sequence=gr.update(visible=False))
                elif event["event"] == "token":
                    if event["new_tokens"][0]:
                        steps.append(event["new_tokens"][0])
                    now = time.monotonic()
                    if now - last_text < TEXT_SECONDS:
                        continue
                    last_text = now
                    chart = gr.skip()
                    if now - last_chart >= CHART_SECONDS:
                        chart, last_chart = candidates_figure(steps[-1], len(steps) - 1), now
                    yield update(status=i18n.t("text.status.progress", tokens=event["step"],
                                               seconds=event["seconds"]),
                                 text=full_text(prompt, event["texts"]), coloured=probability_html(prompt, steps),
                                 chart=chart)
        except UserError as error:
            yield update(status=f"⚠️ {error}")
            return
    done = event
    insight = {"prompt": prompt, "steps": done["steps"]}
    first = done["steps"][0]
    status = i18n.t("text.status.stopped" if done["stopped"] else "text.status.done", tokens=done["tokens"],
                    seconds=done["seconds"], rate=done["tokens_per_second"], first=done["time_to_first_token"],
                    seed=done["seed"], precision=loaded.precision.describe())
    if deadline.expired:
        status += f". {deadline.message()}"
    coloured, chart = inspect_step(insight, 1, 1)
    yield update(status=status, info=loaded.describe(), text=full_text(prompt, done["texts"]), coloured=coloured,
                 chart=chart, insight=insight,
                 step=gr.update(maximum=max(2, len(first)), value=1, visible=len(first) > 1),  # max > min
                 sequence=gr.update(maximum=max(2, len(done["texts"])), value=1, visible=len(done["texts"]) > 1))


def stop(request: gr.Request):
    sessions.stop(request, "generate")


def empty_chart():
    """The candidates chart before any generation, saying what will appear there (in the visitor's language)."""
    return candidates_figure(None, 0)


def on_greedy(greedy: bool):
    return [gr.update(interactive=not greedy)] * len(SAMPLING_ONLY)


# layout


def build():
    gr.Markdown(i18n.ui("text.intro"))
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            model = gr.Dropdown(list(SUGGESTED_MODELS), value=SUGGESTED_MODELS[0], allow_custom_value=True,
                                label=i18n.ui("text.model.label"), elem_id="text-model",
                                info=i18n.ui("text.model.info"))
            held = model_info(SUGGESTED_MODELS[0])  # the model is described once loaded; static words until then
            info = gr.Markdown(i18n.ui("text.info.first") if held == i18n.t("text.info.loads", lang="en",
                                                                             model=SUGGESTED_MODELS[0]) else held)
            prompt = gr.Textbox(DEFAULT_PROMPT, lines=3, label=i18n.ui("text.prompt.label"),
                                info=i18n.ui("text.prompt.info"), elem_id="text-prompt")
            controls = make_controls(GenerationConfig, only=MAIN_SETTINGS)
            # the slider stops at the host's limit (the handler checks it too, for API callers)
            controls["max_new_tokens"].maximum = min(controls["max_new_tokens"].maximum, limits.limit("new_tokens"))
            with gr.Accordion(i18n.ui("text.more.label"), open=False):
                controls.update(make_controls(GenerationConfig, only=MORE_SETTINGS))
                precision = gr.Dropdown(list(PRECISION_CHOICES), value="auto", label=i18n.ui("text.precision.label"),
                                        info=i18n.ui("text.precision.info"), elem_id="text-precision")
        with gr.Column(scale=7):
            with gr.Row():
                generate_button = gr.Button(i18n.ui("text.generate.button"), variant="primary", scale=3)
                stop_button = gr.Button(i18n.ui("text.stop.button"), variant="stop", scale=1)
            status = gr.Markdown(i18n.ui("text.status.intro"), elem_id="text-status")
            text = gr.Textbox(label=i18n.ui("text.output.label"), lines=6, interactive=False, buttons=["copy"],
                              elem_id="text-output")
            with gr.Accordion(i18n.ui("text.tokens.label"), open=True):
                prompt_tokens = gr.HTML(i18n.ui("text.tokens.empty"))
            with gr.Accordion(i18n.ui("text.coloured.label"), open=True):
                coloured = gr.HTML(i18n.ui("text.coloured.empty"))
                with gr.Row():
                    sequence = gr.Slider(1, 4, value=1, step=1, label=i18n.ui("text.sequence.label"), visible=False,
                                         info=i18n.ui("text.sequence.info"))
                    step = gr.Slider(1, 2, value=1, step=1, label=i18n.ui("text.step.label"), visible=False,
                                     info=i18n.ui("text.step.info"))
                chart = gr.Plot(label=i18n.ui("text.chart.label"))
    insight = gr.State()
    text_attention.build(model, text)
    text_train.build(model)

    ordered = [controls[name] for name in SETTINGS]
    outputs = [status, info, text, prompt_tokens, coloured, chart, step, sequence, insight]
    # admission is jobs.limited's (per-kind slots and waiting line), so Gradio doesn't hold these back itself
    generate_button.click(generate, [model, prompt, *ordered, precision], outputs, api_name="generate",
                          concurrency_limit=None)
    stop_button.click(stop, None, None, api_name="stop_generation", queue=False)
    for choice in (model, precision):
        choice.change(model_info, [model, precision], info, api_visibility="private")
    controls["greedy"].change(on_greedy, controls["greedy"], [controls[n] for n in SAMPLING_ONLY],
                              api_visibility="private")
    for slider in (sequence, step):
        slider.change(inspect_step, [insight, sequence, step], [coloured, chart], api_visibility="private",
                      trigger_mode="always_last")
    # the empty chart's words in the visitor's language, when the page opens
    return [(empty_chart, [], [chart])]
