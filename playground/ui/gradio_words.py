"""The words Gradio's frontend prints itself, in the visitor's language: its toasts and a few buttons' labels.

Gradio 6.31's toast (statustracker-*.js) ignores the `title` the server sends
with a `gr.Error`: its header prints the message's kind with a capital letter
("Error", "Warning", "Info", "Success"), its close button is labelled "Close",
and an error whose message is hidden (a bug, not a refusal) reads "An error
occurred.". A table's toolbar ("Copy table data", "Fullscreen"), a cell's menu
button and the tabs' overflow menu ("More tabs") carry fixed English labels
(the tooltip a visitor sees on hover). None of these go through Gradio's own
translations, so a Chinese page showed a Chinese refusal under an English
"Error". `SCRIPT` (put into the page by `language.LocaleScript`, after the
language is chosen) watches the page and gives those words the catalogue's
text (`app.toast.*`, `app.gradio.*`) in the page's language. It changes only
those words; the message itself is the server's, already in the visitor's
language.
"""

import json
from functools import lru_cache

from playground import i18n

KINDS = ("error", "warning", "info", "success")
LABELS = ("copy_table", "copied", "fullscreen", "exit_fullscreen", "more_tabs", "cell_menu")  # app.gradio.<name>
# Gradio's own fallback words are in here to be recognised, never shown: the catalogue's replace them
TOAST_SCRIPT = """<script>(function () {
  var all = %(words)s;
  var words = all[document.documentElement.lang] || all["en"];
  var gradio = {"Copy table data": "copy_table", "Copied to clipboard": "copied", "Fullscreen": "fullscreen",
                "Exit fullscreen mode": "exit_fullscreen", "More tabs": "more_tabs", "Open cell menu": "cell_menu"};
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
    ["title", "aria-label"].forEach(function (name) {
      document.querySelectorAll("[" + name + "]").forEach(function (element) {
        var said = words.labels[gradio[element.getAttribute(name)]];  // Gradio's fixed English label
        if (said) element.setAttribute(name, said);
      });
    });
  }
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(relabel); }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true, attributes: true,
              attributeFilter: ["title", "aria-label"]});
})();</script>"""


def words(lang: str) -> dict[str, str]:
    """The toast's words in `lang`: one per kind, the close button's label, the hidden-message fallback; and
    Gradio's fixed labels (none in English: Gradio's own are the catalogue's)."""
    found = {kind: i18n.t(f"app.toast.{kind}", lang=lang) for kind in KINDS}
    labels = {name: i18n.t(f"app.gradio.{name}", lang=lang) for name in LABELS} if lang != i18n.DEFAULT else {}
    return {**found, "close": i18n.t("app.toast.close", lang=lang),
            "unexplained": i18n.t("app.toast.error_unexplained", lang=lang), "labels": labels}


@lru_cache(maxsize=1)
def script() -> str:
    """The page's script (runs after the one that sets `document.documentElement.lang`)."""
    return TOAST_SCRIPT % {"words": json.dumps({lang: words(lang) for lang in i18n.LANGUAGES}),
                           "kinds": json.dumps(KINDS)}
