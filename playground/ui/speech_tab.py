"""The Speech tab: record or upload, get a transcript, and see how the model heard it.

The handler is a generator: it first shows the waveform and log-mel
spectrogram of the clip (no model needed), then loads the model with a progress
bar, then shows the transcript, the words on the spectrogram's time axis with
the unsure ones marked, and the time taken. Every UserError ends as one
sentence in the status line and the tab keeps working. The audio arrives as a
file path (`type="filepath"`) rather than Gradio's numpy array so that WAV,
FLAC, OGG and MP3 files, and files that are not audio at all, go through
libsndfile (speech/audio.py) and get our own message instead of a decoder's
traceback.
`assets/speech_example.wav` is three synthetic vowel-like syllables (no speech
model is needed to see its waveform and spectrogram).
"""

from pathlib import Path

import gradio as gr

from playground import i18n
from playground.errors import UserError
from playground.gpu import gpu_task
from playground.guards import Deadline, check_upload
from playground.speech.audio import load_audio
from playground.speech.recognize import SpeechConfig, checked, load_recognizer, transcribe
from playground.speech.spectrogram import figure
from playground.ui import jobs
from playground.ui.controls import make_controls, read_controls

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "speech_example.wav"
SETTINGS = ["model", "low_confidence", "chunk_seconds", "stride_seconds", "precision"]
OUTPUTS = ["transcript", "marked", "plot", "status", "timings"]  # what the handler updates, by name (update())
# handlers


def marked_words(result, threshold: float):
    """HighlightedText value: each word, labelled 'unsure' when its confidence is below the threshold."""
    return [(word.word + " ", "unsure" if word.confidence < threshold else None) for word in result.words]


def status_line(result) -> str:
    if result.note == "silence":
        return i18n.t("speech.status.silent")
    speed = (i18n.t("speech.speed.faster", times=1 / result.real_time_factor) if result.real_time_factor < 1
             else i18n.t("speech.speed.slower"))
    words = len(result.words)
    heard = i18n.t("speech.heard.one" if words == 1 else "speech.heard.many", words=words) if words else \
        i18n.t("speech.heard.none")
    return i18n.t("speech.status.done", heard=heard, audio=result.audio_seconds, seconds=result.seconds,
                  factor=result.real_time_factor, speed=speed, device=result.device, model=result.model,
                  precision=result.precision or "float32")


def update(**changes):
    """The transcribe handler's outputs: the named ones changed, the others left as they are."""
    return [changes.get(name, gr.skip()) for name in OUTPUTS]


def uploaded_path(audio):
    """The uploaded file's path, checked against the upload limit (a `(rate, samples)` pair passes as it is)."""
    if isinstance(audio, dict) and "path" in audio:
        audio = audio["path"]
    return str(check_upload(audio, "nouns.audio_file")) if isinstance(audio, (str, Path)) else audio


@jobs.limited("speech", lambda note: update(status=note))
@gpu_task(duration=60)
def run_transcribe(audio, model, low_confidence, chunk_seconds, stride_seconds, precision="auto",
                   progress=gr.Progress(track_tqdm=True)):
    """Generator: the outputs (OUTPUTS, by name) after each stage.

    It runs once a speech slot is free (jobs.limited) and for at most PLAYGROUND_MAX_JOB_SECONDS.
    """
    plot = None
    deadline = Deadline(None)

    def on_chunk(done, total):
        deadline.check()
        progress(0.5 + 0.5 * done / total, desc=i18n.t("speech.progress.window", done=done, total=total))

    try:
        config = checked(read_controls(SpeechConfig, SETTINGS, [model, low_confidence, chunk_seconds, stride_seconds,
                                                                precision]))
        if audio is None:
            raise UserError(i18n.t("speech.error.no_audio"))
        clip = load_audio(uploaded_path(audio), max_seconds=config.max_seconds or None)
        plot = figure(clip.samples, clip.rate)
        yield update(transcript="", marked=None, plot=plot, timings=None,
                     status=i18n.t("speech.status.loading", model=config.model))
        progress(0.05, desc=i18n.t("speech.progress.loading", model=config.model))
        deadline.start()
        recognizer = load_recognizer(config.model, config.device, config.precision)
        progress(0.5, desc=i18n.t("speech.progress.recognising"))
        result = transcribe(recognizer, clip, config, on_chunk=on_chunk)
    except UserError as error:
        yield update(transcript="", marked=None, plot=plot, status=f"⚠️ {error}", timings=None)
        return
    finally:
        deadline.cancel()
    plot = figure(clip.samples, clip.rate, result.words, low_confidence=config.low_confidence)
    yield update(transcript=result.text, marked=marked_words(result, config.low_confidence), plot=plot,
                 status=status_line(result), timings=result.to_dict())


# layout


def build():
    with gr.Column(elem_id="speech-tab"):
        layout()


def layout():
    gr.Markdown(i18n.ui("speech.intro"))
    with gr.Row():
        with gr.Column(scale=2):
            audio = gr.Audio(sources=["microphone", "upload"], type="filepath",
                             label=i18n.ui("speech.audio.label"),
                             elem_id="speech-audio")
            controls = make_controls(SpeechConfig, only=["model", "low_confidence", "precision"])
            button = gr.Button(i18n.ui("speech.transcribe.button"), variant="primary")
            with gr.Accordion(i18n.ui("speech.long.label"), open=False):
                controls.update(make_controls(SpeechConfig, only=["chunk_seconds", "stride_seconds"]))
            if EXAMPLE.is_file():
                gr.Examples([[str(EXAMPLE)]], inputs=[audio], label=i18n.ui("speech.example.label"))
        with gr.Column(scale=3):
            status = gr.Markdown(i18n.ui("speech.status.intro"), elem_id="speech-status")
            transcript = gr.Textbox(label=i18n.ui("speech.transcript.label"), lines=2, interactive=False,
                                    buttons=["copy"], elem_id="speech-transcript")
            marked = gr.HighlightedText(label=i18n.ui("speech.marked.label"), color_map={"unsure": "orange"},
                                        show_legend=False, show_inline_category=False)
            plot = gr.Plot(label=i18n.ui("speech.plot.label"))
            with gr.Accordion(i18n.ui("speech.timings.panel"), open=False):
                timings = gr.JSON(label=i18n.ui("speech.timings.label"))
    inputs = [audio] + [controls[name] for name in SETTINGS]
    outputs = {"transcript": transcript, "marked": marked, "plot": plot, "status": status, "timings": timings}
    # admission is jobs.limited's (per-kind slots and waiting line), so Gradio doesn't hold these back itself
    button.click(run_transcribe, inputs, [outputs[name] for name in OUTPUTS], api_name="transcribe",
                 concurrency_limit=None)
