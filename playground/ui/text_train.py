"""The tiny GPT panel at the bottom of the Text tab: train a small GPT-2 from scratch, offline, then use it above.

The handler streams the training events: the loss curves (training loss every
step, held-out loss every few steps), and a sample of what the model writes at
each evaluation, drawn with the same seed so the samples can be compared. At
the end the model is saved (`save_pretrained`) under the outputs folder,
offered as a zip, and added to the Model menu above and selected there. Stop
ends training after the step in flight and still saves what was learnt.
"""

import time
from datetime import datetime

import gradio as gr
import pandas as pd

from playground import limits
from playground.errors import UserError
from playground.gpu import gpu_task
from playground.guards import check_upload
from playground.text.corpus import check_corpus, read_corpus_file, stdlib_corpus
from playground.text.loading import SUGGESTED_MODELS
from playground.text.tiny_gpt import TinyGPTConfig, parameter_count, train_events, zip_folder
from playground.ui import jobs, sessions
from playground.ui.controls import make_controls, read_controls

SOURCES = ("Python documentation (built in)", "Paste text", "Upload a text file")
MAIN_SETTINGS = ["layers", "heads", "embedding_size", "context_length", "steps", "learning_rate"]
MORE_SETTINGS = ["batch_size", "tokenizer", "vocab_size", "sample_every", "seed", "sample_prompt"]
SETTINGS = MAIN_SETTINGS + MORE_SETTINGS
UPDATE_SECONDS = 0.5
EXPLANATION = """Train a small model with GPT-2's architecture from scratch: no download, no network. By default it
learns from the Python standard library's own documentation (the docstrings `pydoc` shows, gathered when you press
Train); you can paste or upload any text instead. A tokenizer is learnt on the spot (one token per character, or
BPE). Watch the loss fall and the samples turn from noise into something that looks like the text. When it is done
the model is selected in the **Model** menu above: press **Generate**."""


# handlers


def corpus_for(source: str, pasted: str, uploaded) -> str:
    if source == SOURCES[1]:
        return check_corpus(pasted)
    if source == SOURCES[2]:
        if not uploaded:
            raise UserError("Choose a text file to upload, or pick another training text.")
        return read_corpus_file(check_upload(uploaded, "text file"))
    return stdlib_corpus()


def curves(rows: list[tuple]) -> pd.DataFrame | None:
    """Long format for gr.LinePlot, or None until both curves have a point: the plot keeps the colours (curves) of
    its first data for good, and one that starts from an empty frame never draws its lines."""
    if len({row[2] for row in rows}) < 2:
        return None
    frame = pd.DataFrame(rows, columns=["step", "loss", "curve"])
    return frame.astype({"step": "int64", "loss": "float64", "curve": "str"})


def status_only(status: str) -> list:
    return [status, *[gr.skip()] * 5]


@jobs.limited("train", status_only)
@gpu_task(duration=120)
def train(request: gr.Request, source, pasted, uploaded, trained, layers, heads, embedding_size, context_length, steps,
          learning_rate, batch_size, tokenizer, vocab_size, sample_every, seed, sample_prompt):
    """Stream: status, loss curves, samples, download, model menu, trained models (state).

    The settings are named one by one (not *values) so that the API shows their names. It runs once a
    training slot is free (jobs.limited) and for at most PLAYGROUND_MAX_JOB_SECONDS, then saves what it learnt.
    """
    values = [layers, heads, embedding_size, context_length, steps, learning_rate, batch_size, tokenizer, vocab_size,
              sample_every, seed, sample_prompt]
    from playground.outputs import new_run_dir

    skip = [gr.skip()] * 5
    try:
        config = read_controls(TinyGPTConfig, SETTINGS, values)
        limits.check("parameters", parameter_count(config))
        corpus = corpus_for(source, pasted, uploaded)
    except UserError as error:
        yield [f"⚠️ {error}", *skip]
        return
    folder = new_run_dir("tiny-gpt") / "tiny-gpt"
    with sessions.job(request, "train_lm") as (flag, deadline):
        rows, samples, last_update, header = [], [], 0.0, ""
        yield ["⏳ Learning the tokenizer…", curves(rows), "", None, *skip[:2]]
        try:
            for event in train_events(config, corpus, out_dir=folder, stop=flag):
                kind = event["event"]
                if kind == "start":
                    header = (f"{event['parameters']:,} parameters · {event['vocab_size']} tokens in the "
                              f"vocabulary · {event['train_tokens']:,} training tokens · {event['device']}")
                elif kind == "step":
                    rows.append((event["step"], event["loss"], "training"))
                elif kind == "eval":
                    rows.append((event["step"], event["val_loss"], "held-out"))
                elif kind == "sample":
                    samples.append(f"step {event['step']}: {event['text']}")
                if kind == "done":
                    break
                now = time.monotonic()
                if kind in ("start", "sample") or now - last_update >= UPDATE_SECONDS:
                    last_update = now
                    progress = f"step {rows[-1][0]}/{config.steps}" if rows else "starting"
                    yield [f"🏋️ {header} · {progress}", curves(rows), "\n\n".join(samples), *skip[:3]]
        except UserError as error:
            yield [f"⚠️ {error}", curves(rows), "\n\n".join(samples), *skip[:3]]
            return
    label = f"tiny GPT · {datetime.now():%H:%M:%S} · {config.layers} layers × {config.embedding_size}"
    trained = [*(trained or []), (label, event["path"])]
    verb = "⏹️ Stopped" if event["status"] == "stopped" else "✅ Trained"
    status = (f"{verb}: {event['steps_run']} steps in {event['seconds']:.1f} s, held-out loss "
              f"**{event['initial_val_loss']:.2f} → {event['val_loss']:.2f}** · {header}. It is now selected in "
              f"the Model menu above: press **Generate**." + (f" {deadline.message()}" if deadline.expired else ""))
    menu = gr.update(choices=[(m, m) for m in SUGGESTED_MODELS] + [tuple(t) for t in trained], value=event["path"])
    download = gr.update(value=str(zip_folder(event["path"])), visible=True)
    yield [status, curves(rows), "\n\n".join(samples), download, menu, trained]


def stop(request: gr.Request):
    sessions.stop(request, "train_lm")


def on_source(source: str):
    return gr.update(visible=source == SOURCES[1]), gr.update(visible=source == SOURCES[2])


# layout


def build(model_menu):
    """The panel, wired to the Model menu of the generation part above."""
    with gr.Accordion("🧪 Train a tiny GPT yourself (works offline)", open=True, elem_id="tiny-gpt"):
        gr.Markdown(EXPLANATION)
        with gr.Row():
            with gr.Column(scale=4, min_width=320):
                source = gr.Radio(list(SOURCES), value=SOURCES[0], label="Training text",
                                  info="What the model learns from; the built-in text needs no network.")
                pasted = gr.Textbox(lines=6, label="Your text", visible=False,
                                    info="At least 1,000 characters: the more, the better it learns.")
                uploaded = gr.File(label="Text file (UTF-8)", file_types=[".txt", ".md", ".rst", ".py", ".csv"],
                                   type="filepath", visible=False)
                controls = make_controls(TinyGPTConfig, only=MAIN_SETTINGS)
                with gr.Accordion("More training settings", open=False):
                    controls.update(make_controls(TinyGPTConfig, only=MORE_SETTINGS))
            with gr.Column(scale=7):
                with gr.Row():
                    train_button = gr.Button("Train", variant="primary", scale=3)
                    stop_button = gr.Button("Stop", variant="stop", scale=1)
                status = gr.Markdown("Press **Train**: the default settings take a minute or less on a CPU.",
                                     elem_id="tiny-gpt-status")
                loss_plot = gr.LinePlot(None, x="step", y="loss", color="curve", height=280,
                                        label="Loss (blue: training batches, orange: held-out text)",
                                        color_map={"training": "#60a5fa", "held-out": "#f97316"})
                samples = gr.Textbox(label="What the model writes (same seed at every step shown)", lines=8,
                                     interactive=False, elem_id="tiny-gpt-samples")
                download = gr.File(label="The trained model: a save_pretrained folder, zipped", interactive=False,
                                   visible=False)
    trained = gr.State([])
    source.change(on_source, source, [pasted, uploaded], api_visibility="private")
    train_button.click(train, [source, pasted, uploaded, trained, *[controls[name] for name in SETTINGS]],
                       [status, loss_plot, samples, download, model_menu, trained], api_name="train_lm",
                       concurrency_limit=None)  # admission is jobs.limited's: the "train" slots
    stop_button.click(stop, None, None, api_name="stop_train_lm", queue=False)
