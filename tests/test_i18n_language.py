"""The server answers each visitor in their language: `?lang=`, then what their page reported, then Accept-Language.

A small SpeakingBlocks app with a plain, an async and a generator handler, served for real and called through
gradio_client with different Accept-Language headers: every step of the generator speaks the caller's language.
"""

import types

import gradio as gr
import pytest
from gradio_client import Client

from playground import i18n
from playground.ui import language, visitors

ZH, EN = i18n.catalogue("zh-CN")["app.title"], i18n.catalogue("en")["app.title"]


def request(query=None, headers=None, session="s1"):
    return types.SimpleNamespace(query_params=query or {}, headers=headers or {}, session_hash=session)


def test_language_of_prefers_the_address_then_the_page_then_the_header():
    assert language.language_of(None) == "en"
    assert language.language_of(request(headers={"accept-language": "zh-TW,zh;q=0.9"})) == "zh-CN"
    assert language.language_of(request(headers={"accept-language": "de"})) == "en"
    page = "http://host/?lang=zh-CN&x=1"
    assert language.language_of(request(headers={"referer": page, "accept-language": "en"})) == "zh-CN"
    assert language.language_of(request(query={"lang": "en"}, headers={"accept-language": "zh"})) == "en"
    language.remember("zh-CN", request(session="s1"))
    try:
        assert language.language_of(request(headers={"accept-language": "en"}, session="s1")) == "zh-CN"
        assert language.language_of(request(headers={"accept-language": "en"}, session="s2")) == "en"
    finally:
        visitors.forget_session("s1")
    assert language.language_of(request(headers={"accept-language": "en"}, session="s1")) == "en"  # freed


def test_page_script_goes_before_gradios_own():
    import asyncio

    page = b'<html><head><script type="module" src="x.js"></script></head></html>'
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"1")]})
        await send({"type": "http.response.body", "body": page})

    async def send(message):
        sent.append(message)

    from concurrent.futures import ThreadPoolExecutor

    call = language.LocaleScript(app)({"type": "http", "method": "GET", "path": "/"}, None, send)
    with ThreadPoolExecutor(1) as pool:  # its own event loop (a browser test may have one running in this thread)
        pool.submit(asyncio.run, call).result()
    body = sent[1]["body"]
    assert body.index(b"navigator") < body.index(b'<script type="module"')
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(body)).encode()


@pytest.fixture(scope="module")
def served():
    def plain():
        return i18n.t("app.title")

    async def later():
        return i18n.t("app.title")

    def steps():
        for _ in range(3):
            yield i18n.t("app.title")

    with language.SpeakingBlocks() as demo:
        out = gr.Textbox()
        gr.Button().click(plain, None, out, api_name="plain")
        gr.Button().click(later, None, out, api_name="later")
        gr.Button().click(steps, None, out, api_name="steps")
    demo.queue()
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1", server_port=None)
    yield url
    demo.close()


@pytest.mark.parametrize("header, expected", [("zh-CN,zh;q=0.9", ZH), ("en-US,en;q=0.9", EN)])
def test_every_kind_of_handler_speaks_the_callers_language(served, header, expected):
    client = Client(served, headers={"Accept-Language": header}, verbose=False)
    assert client.predict(api_name="/plain") == expected
    assert client.predict(api_name="/later") == expected
    job = client.submit(api_name="/steps")
    job.result()
    assert job.outputs() == [expected] * 3  # the generator's later steps too


def test_launch_brings_the_catalogue(served):
    import httpx

    page = httpx.get(served).text
    assert "navigator.language" in page.split('<script type="module"')[0]
    config = httpx.get(served.rstrip("/") + "/config").json()
    assert config["i18n_translations"]["zh-CN"]["app.title"] == ZH


def test_the_toasts_script_carries_the_catalogues_words_for_each_kind():
    """Gradio's toast prints "Error"/"Warning"/"Info"/"Success" itself; the page's script swaps in these."""
    import json
    import re

    from playground.ui import gradio_words

    script = gradio_words.script()
    carried = json.loads(re.search(r"var all = (\{.*?\});", script).group(1))
    assert set(carried) == set(i18n.LANGUAGES)
    for lang in i18n.LANGUAGES:
        for kind in gradio_words.KINDS:
            assert carried[lang][kind] == i18n.catalogue(lang)[f"app.toast.{kind}"]
        assert carried[lang]["close"] == i18n.catalogue(lang)["app.toast.close"]
    assert carried["zh-CN"]["error"] != "Error" and carried["zh-CN"]["unexplained"] != "An error occurred."


def test_gradios_fixed_labels_get_the_catalogues_words_on_a_chinese_page():
    import json
    import re

    from playground.ui import gradio_words

    script = gradio_words.script()
    carried = json.loads(re.search(r"var all = (\{.*?\});", script).group(1))
    assert carried["en"]["labels"] == {}  # Gradio's own English stays as it is
    for name in gradio_words.LABELS:
        assert f'"{name}"' in script.split("var gradio = ")[1].split(";")[0]  # a label Gradio prints maps to it
        assert carried["zh-CN"]["labels"][name] == i18n.catalogue("zh-CN")[f"app.gradio.{name}"]
