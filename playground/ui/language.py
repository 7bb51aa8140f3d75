"""The visitor's language, on the page and on the server, and the switch that overrides the browser's.

The page: Gradio's frontend translates our `i18n.ui` keys in the language it
reads from `navigator.language`, once, before it draws anything, and it only
knows a language it ships itself (so a `zh-HK` or plain `zh` browser would get
English). `LocaleScript`, an ASGI middleware, puts a small script in front of
Gradio's own in the page's HTML: it makes every `zh-*` browser `zh-CN`, and a
`?lang=` in the page's address wins over the browser (the switch reloads with
it, and a shared link keeps it). `launch(head=...)` would be too late: Gradio
adds the head after it has picked the language.

The server: `language_of(request)` is `?lang=` in the page's address (the
request's own query, or the page it came from, which the browser sends as the
Referer), else what the page reported when it opened (`remember`, the
browser's effective language), else Accept-Language, else English.
`SpeakingBlocks` sets `i18n.speaking(language_of(request))` around every event
(Gradio runs each step of a generator through `process_api`, and its worker
threads copy the context), so `i18n.t` speaks the visitor's language in every
handler; a job's own thread copies it when it starts (ui/engine/job.py).
"""

import threading
from urllib.parse import parse_qs, urlsplit

import gradio as gr
from starlette.middleware import Middleware

from playground import i18n
from playground.ui import gradio_words, visitors
from playground.ui.guarded_blocks import GuardedBlocks

CHOICES = [("app.language.en", "en"), ("app.language.zh", "zh-CN")]  # each language named in itself, on any page

_reported: dict[str, str] = {}  # session -> the language its page opened in; freed when the page closes
_lock = threading.Lock()

# runs before Gradio's own scripts: Gradio reads navigator.language once, when it boots
PAGE_SCRIPT = """<script>(function () {
  var asked = new URLSearchParams(window.location.search).get("lang");
  var browser = (navigator.language || "").toLowerCase();
  var lang = asked ? (asked.toLowerCase().indexOf("zh") === 0 ? "zh-CN" : "en")
                   : (browser.indexOf("zh") === 0 ? "zh-CN" : null);
  if (lang) {
    Object.defineProperty(navigator, "language", {get: function () { return lang; }, configurable: true});
    Object.defineProperty(navigator, "languages", {get: function () { return [lang]; }, configurable: true});
  }
  document.documentElement.lang = lang || "en";
})();</script>"""

# the switch: the same page again with ?lang= (other query parameters kept), so the address can be shared
SWITCH_JS = """(lang) => {
  const url = new URL(window.location.href);
  if (url.searchParams.get("lang") !== lang) { url.searchParams.set("lang", lang); window.location.assign(url); }
  return lang;
}"""

# on page load: the language the page is shown in (navigator.language after PAGE_SCRIPT)
SHOWN_JS = """() => ((navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh-CN" : "en")"""


def _asked(request) -> str | None:
    """`?lang=` of the request itself, or of the page that sent it (the Referer)."""
    asked = dict(getattr(request, "query_params", None) or {}).get("lang")
    if asked:
        return asked
    headers = getattr(request, "headers", None) or {}
    referer = headers.get("referer") or ""
    found = parse_qs(urlsplit(referer).query).get("lang") if referer else None
    return found[0] if found else None


def language_of(request) -> str:
    """The language to answer `request` in (one of i18n.LANGUAGES)."""
    if isinstance(request, list):  # a batched event: its requests come from one page each; take the first
        request = request[0] if request else None
    if request is None:
        return i18n.DEFAULT
    asked = _asked(request)
    if asked:
        return i18n.normalise(asked)
    with _lock:
        reported = _reported.get(visitors.session_of(request))
    if reported:
        return reported
    headers = getattr(request, "headers", None) or {}
    header = headers.get("accept-language")
    return i18n.from_accept_language(header) if header else i18n.DEFAULT


def remember(shown: str, request: gr.Request):
    """Page-load handler: the page is shown in `shown`; the server answers this session in it too."""
    lang = i18n.normalise(shown)
    with _lock:
        _reported[visitors.session_of(request)] = lang
    return lang


@visitors.on_leave
def forget(session: str) -> None:
    with _lock:
        _reported.pop(session, None)


def build():
    """The switch (call it where it should appear); returns the page-load hook that sets it and `remember`s."""
    switch = gr.Radio([(i18n.ui(key), lang) for key, lang in CHOICES], value=i18n.DEFAULT, label=i18n.ui("app.language.label"), elem_id="language-switch",
                      container=False, scale=0, min_width=200)
    switch.input(None, switch, None, js=SWITCH_JS)
    return switch


def on_page_load(demo, switch) -> None:
    demo.load(remember, switch, switch, js=SHOWN_JS, api_visibility="private")


class LocaleScript:
    """ASGI middleware: PAGE_SCRIPT (then the toasts' words) goes into every HTML page Gradio serves, before
    Gradio's own scripts."""

    MARK = b'<script type="module"'

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        start, body = None, []

        async def rewrite(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html") or b"content-encoding" in headers:
                    start = False
                    return await send(message)
                start = message
                return None
            if start is False:
                return await send(message)
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return None
            scripts = (PAGE_SCRIPT + gradio_words.script()).encode()
            page = b"".join(body).replace(self.MARK, scripts + self.MARK, 1)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            await send({**start, "headers": headers + [(b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page, "more_body": False})

        await self.app(scope, receive, rewrite)


class SpeakingBlocks(GuardedBlocks):
    """GuardedBlocks that answer each visitor in their language, and always launch with the catalogue."""

    async def process_api(self, block_fn, *args, **kwargs):
        request = kwargs.get("request", args[2] if len(args) > 2 else None)
        with i18n.speaking(language_of(request)):
            return await super().process_api(block_fn, *args, **kwargs)

    def launch(self, *args, **kwargs):
        kwargs.setdefault("i18n", i18n.gradio_i18n())
        app_kwargs = dict(kwargs.get("app_kwargs") or {})
        app_kwargs["middleware"] = [*app_kwargs.get("middleware", []), Middleware(LocaleScript)]
        kwargs["app_kwargs"] = app_kwargs
        return super().launch(*args, **kwargs)
