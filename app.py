"""Deep Learning Playground: the Gradio app. Wiring only.

Each tab is built by one module in `playground/ui/`, which holds its handlers;
everything those handlers compute lives in `playground/`. `demo` can be
imported without launching (tests do), and `python app.py` starts the server.
"""

import importlib
import os
import tempfile

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's uploads and cached copies in a folder of this app's own, which its disk sweeper may clean
os.environ.setdefault("GRADIO_TEMP_DIR", os.path.join(tempfile.gettempdir(), "playground-gradio"))

from playground.ui.launch import threads_per_job  # noqa: E402

# torch reads this when first imported: jobs running side by side share the cores instead of fighting over them
os.environ.setdefault("OMP_NUM_THREADS", str(threads_per_job()))

import gradio as gr  # noqa: E402

from playground import hub, limits  # noqa: E402
from playground import i18n  # noqa: E402
from playground.ui import browser_id, language, visitors  # noqa: E402

# web visitors load only allow-listed models and folders under the models folder (see playground/hub.py),
# and the host's limits bind them (see playground/limits.py); the CLI's owner has neither restriction
hub.restrict_to_allow_list(os.environ.get("PLAYGROUND_ALLOW_ANY_MODEL") != "1")
limits.enforce()

# (tab id, module with a `build()` that lays the tab out inside the current gr.Tab;
#  `build()` may return (fn, inputs, outputs) hooks to run when a page opens, or (fn, inputs, outputs, "select")
#  hooks to run each time the tab is opened, e.g. to offer datasets uploaded in another tab)
#  the tab's title is the catalogue's `app.tab.<id>`)
TABS = [
    ("train", "playground.ui.train_tab"),
    ("sweep", "playground.ui.sweep_tab"),
    ("transfer", "playground.ui.transfer_tab"),
    ("gan", "playground.ui.gan_tab"),
    ("vae", "playground.ui.vae_tab"),
    ("text", "playground.ui.text_tab"),
    ("speech", "playground.ui.speech_tab"),
    ("my-runs", "playground.ui.my_runs"),
    ("class", "playground.ui.class_tab"),
    ("system", "playground.ui.system_tab"),
]


def build_demo() -> gr.Blocks:
    # SpeakingBlocks: every refusal reaches the visitor as one short sentence (GuardedBlocks), in their language
    with language.SpeakingBlocks(title=i18n.ui("app.title")) as demo:
        with gr.Row(equal_height=False):  # on a phone the switch wraps under the title instead of squeezing it
            with gr.Column(scale=1, min_width=320):
                gr.Markdown(i18n.ui("app.intro"))
            switch = language.build()  # next to the title: English / 中文, over the browser's choice
        on_load = list(browser_id.build())  # above the tabs: this browser's id, for its runs (My runs)
        with gr.Tabs():
            for tab_id, module in TABS:
                with gr.Tab(i18n.ui(f"app.tab.{tab_id}"), id=tab_id, elem_id=f"tab-{tab_id}") as tab:
                    for fn, inputs, outputs, *when in importlib.import_module(module).build() or []:
                        if when == ["select"]:
                            tab.select(fn, inputs, outputs, api_visibility="private")
                        else:
                            on_load.append((fn, inputs, outputs))
        language.on_page_load(demo, switch)  # first: the session's language, for the other page-load hooks
        for fn, inputs, outputs in on_load:
            demo.load(fn, inputs, outputs, api_visibility="private")
        demo.unload(visitors.leave)  # what each module keeps per visitor goes when their page closes
    return demo


demo = build_demo()

if __name__ == "__main__":
    from playground.ui.launch import keep_disk_bounded, launch_options, warm_up_in_background

    from playground.store import db

    db.store()  # opened now, so a database that can't be opened is said at start (log, System tab), not mid-run
    keep_disk_bounded(demo)  # old files deleted, the disk within its budget (sets delete_cache before launch)
    demo.queue(**launch_options()["queue"]).launch(prevent_thread_lock=True, **launch_options()["launch"])
    warm_up_in_background()  # the page is served already; torch loads behind it
    demo.block_thread()
