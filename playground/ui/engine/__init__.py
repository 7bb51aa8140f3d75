"""One engine for live jobs: the work runs in its own thread, the page samples what it publishes.

Why: when training and drawing share a thread, every figure pauses the
training (a 0.7 s run took 2.5 s through the app). Here a job's work runs in a
worker thread once its training slot is granted (jobs.py gates, the
PLAYGROUND_MAX_JOB_SECONDS deadline, a stop flag), and publishes its state:
the events so far and whatever its plots need. The Gradio handler wakes at a
steady pace, reads a copy of that state and renders it, so drawing never
blocks training and the page always shows the latest epoch. Anything that
reads the model (a decision boundary, histograms, samples) is computed by the
worker at a safe point (between steps or epochs) and published as plain
arrays; the handler never touches weights mid-step. Per-epoch records go to a
bounded `Snapshots` store so a slider can replay any epoch. Every visitor's
jobs go when their page closes (visitors.on_leave).

How a tab uses it (train_stream.py is the reference):

    from playground.ui import engine

    def work(job):                          # runs in the worker thread
        job.publish(history=run.history)    # lists the worker only appends to may be shared as they are
        for event in run.events(job.flag):  # job.flag: set by Stop, by the job-time limit, or when the visitor leaves
            job.publish(epoch=event.epoch)  # bumps the version: the page redraws at its next tick
            job.record(event.epoch, grid=...)  # a replay snapshot: plain arrays made now, between epochs
        return run                          # becomes job.result

    def render(view):                       # runs in the handler thread: view = copy of what was published
        return {"status": f"epoch {view['epoch']}", "curves": figure_from(view["history"])}

    @engine.named(OUTPUTS)                  # dicts keyed by output name -> keyed by component; UserError -> gr.Error
    def train(request: gr.Request, dataset, model, **settings):
        job = engine.Job(work, kind="train", title="MLP on moons")
        job = yield from engine.follow(request, job, render)   # queued -> running -> stopped | done | failed
        yield {"status": f"done: {job.result.summary}", ...}

    def stop(request: gr.Request):
        engine.stop(request, "train")

    def replay(request: gr.Request, epoch):   # a slider's .input: what the job recorded at `epoch`
        job = engine.current(request, "train")
        found = job.snapshots.at(epoch) if job else None   # (recorded epoch, data) or None

Wire a listener with `engine.listen(button.click, train, inputs={...}, outputs={...}, api_name="train")`:
inputs are passed by name (`inputs_kwargs`), so the API takes keywords and every control's value is its
default; outputs are a dict name -> component and every handler speaks names. Every live tab has an output
named "status": the waiting notes ("2 runs ahead of yours") go there. One live job per visitor and kind: a
new one stops the one before. A job that ends done or stopped is saved to the run store (playground/store)
after its handler's last update, here, for every tab: see run_store.py.

The package, one job a module: snapshots.py (the bounded replay store), job.py (a job, its worker thread and what
it publishes), store.py (each visitor's jobs, freed when they leave), follow.py (the handler's loop), names.py
(names, not positions, and `listen`).
"""

from playground.ui.engine.follow import PACE_SECONDS, follow, follow_to_end
from playground.ui.engine.job import STATES, Job
from playground.ui.engine.names import listen, named
from playground.ui.engine.snapshots import MAX_SNAPSHOTS, Snapshots
from playground.ui.engine.store import current, forget, replayed, sessions_held, stop

__all__ = ["MAX_SNAPSHOTS", "PACE_SECONDS", "STATES", "Job", "Snapshots", "current", "follow", "follow_to_end",
           "forget", "listen", "named", "replayed", "sessions_held", "stop"]
