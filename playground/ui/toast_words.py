"""The words on Gradio's toasts, in the visitor's language.

Gradio 6.31's toast (statustracker-*.js) ignores the `title` the server sends
with a `gr.Error`: its header prints the message's kind with a capital letter
("Error", "Warning", "Info", "Success"), its close button is labelled "Close",
and an error whose message is hidden (a bug, not a refusal) reads "An error
occurred.". None of these go through Gradio's own translations, so a Chinese
page showed a Chinese refusal under an English "Error". `SCRIPT` (put into the
page by `language.LocaleScript`, after the language is chosen) watches the
page and gives those words the catalogue's text (`app.toast.*`) in the page's
language. It changes only a toast's header word, its close button's label and
the hidden-message fallback; the message itself is the server's, already in
the visitor's language.
"""

import json
from functools import lru_cache

from playground import i18n

KINDS = ("error", "warning", "info", "success")
# Gradio's own fallback words are in here to be recognised, never shown: the catalogue's replace them
TOAST_SCRIPT = """<script>(function () {
  var all = %(words)s;
  var words = all[document.documentElement.lang] || all["en"];
  var kinds = %(kinds)s, queued = false;
  var unexplained = "An error occurred.";  // Gradio's text for an error whose message the server hid
  function relabel() {
    queued = false;
    document.querySelectorAll(".toast-title").forEach(function (title) {
      var kind = kinds.filter(function (k) { return title.classList.contains(k); })[0];
      var text = title.firstChild;  // "Error " then, for a group, a count span
      var word = words[kind] + " ";
      if (kind && text && text.nodeType === 3 && text.nodeValue !== word) text.nodeValue = word;
    });
    document.querySelectorAll("[data-testid=toast-close]").forEach(function (button) {
      if (button.getAttribute("aria-label") !== words.close) button.setAttribute("aria-label", words.close);
    });
    document.querySelectorAll(".toast-message-text.error").forEach(function (text) {
      if (text.textContent === unexplained) text.textContent = words.unexplained;
    });
  }
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(relabel); }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();</script>"""


def words(lang: str) -> dict[str, str]:
    """The toast's words in `lang`: one per kind, the close button's label, the hidden-message fallback."""
    found = {kind: i18n.t(f"app.toast.{kind}", lang=lang) for kind in KINDS}
    return {**found, "close": i18n.t("app.toast.close", lang=lang),
            "unexplained": i18n.t("app.toast.error_unexplained", lang=lang)}


@lru_cache(maxsize=1)
def script() -> str:
    """The page's script (runs after the one that sets `document.documentElement.lang`)."""
    return TOAST_SCRIPT % {"words": json.dumps({lang: words(lang) for lang in i18n.LANGUAGES}),
                           "kinds": json.dumps(KINDS)}
