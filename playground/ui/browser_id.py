"""This browser's own id, kept in its localStorage, so its runs come back on its next visit, after restarts.

One gr.BrowserState above the tabs (app.py builds it first): a component inside
a tab is written to localStorage only once that tab is opened, and a run
trained before then must already be this browser's. When a page opens, the
browser's id (or a new one: 192 random bits, so nobody can guess another's)
is tied to the page's session (run_store.bind), and every run the engine saves
is filed under it.

The BrowserState's `secret` is sent to the page (Gradio encrypts the stored
value with it in the browser), so it hides nothing; it only has to be the same
after a restart and on every replica, or the stored id could not be read back.
"""

import os
import secrets

import gradio as gr

from playground.ui import run_store

STORAGE_KEY = "playground-browser-id"


def on_page(request: gr.Request, browser_id: str):
    if not (isinstance(browser_id, str) and 16 <= len(browser_id) <= 64 and browser_id.isascii()):
        browser_id = secrets.token_urlsafe(24)
    run_store.bind(request, browser_id)
    return browser_id


def build():
    secret = os.environ.get("PLAYGROUND_BROWSER_SECRET", "deep-learning-playground-browser-id")
    state = gr.BrowserState("", storage_key=STORAGE_KEY, secret=secret)
    return [(on_page, [state], [state])]
