"""The API answers the same whatever the caller's language: the same numbers and choices, other words.

The same seeded /train call with Accept-Language zh-CN and en: every number (metrics, curves' points, files)
is equal; the status line, the table's headers and the figures' titles are in the caller's language, at every
streamed step, not only the first. ?lang= in the page's address wins over the header.
"""

import json

from gradio_client import Client

from playground import i18n
from tests.app_inputs import train_inputs


def train(app_url, header: str):
    client = Client(app_url, headers={"Accept-Language": header}, verbose=False)
    job = client.submit(**train_inputs(epochs=4, seed=3), api_name="/train")
    job.result()
    return [list(update) for update in job.outputs()]


def points(plot) -> list:
    """The x/y of every trace of a plotly output: what the figure says, without its words."""
    figure = json.loads(plot["plot"])
    return [(trace.get("x"), trace.get("y")) for trace in figure["data"]]


def test_same_numbers_other_words(app_url):
    chinese, english = train(app_url, "zh-CN,zh;q=0.9"), train(app_url, "en-US,en;q=0.8")
    (zh_status, zh_curves, _, zh_metrics, *_, zh_files), (en_status, en_curves, _, en_metrics, *_, en_files) = \
        chinese[-1], english[-1]
    assert zh_metrics["value"]["headers"] == [i18n.t("train.metrics.metric", lang="zh-CN"),
                                              i18n.t("train.metrics.value", lang="zh-CN")]
    assert en_metrics["value"]["headers"] == ["metric", "value"]
    timed = [index for index, row in enumerate(en_metrics["value"]["data"]) if row[0] == "Seconds"]  # wall time
    assert [row[1] for i, row in enumerate(zh_metrics["value"]["data"]) if i not in timed] == \
        [row[1] for i, row in enumerate(en_metrics["value"]["data"]) if i not in timed]
    assert points(zh_curves) == points(en_curves)
    assert [f.rsplit("/", 1)[-1] for f in zh_files] == [f.rsplit("/", 1)[-1] for f in en_files]
    # the words: every streamed status line is in the caller's language
    assert "轮" in zh_status and "epochs in" in en_status
    zh_lines = [update[0] for update in chinese if isinstance(update[0], str)]
    assert len(zh_lines) >= 2 and all("parameters" not in line for line in zh_lines)
    assert all("个参数" in line for line in zh_lines)


def test_the_address_wins_over_the_header(app_url):
    client = Client(app_url, headers={"Accept-Language": "en", "Referer": app_url + "?lang=zh-CN"}, verbose=False)
    status = client.predict(**train_inputs(epochs=1), api_name="/train")[0]
    assert "个参数" in status
