"""The System tab reports the real device, versions and the models visitors may load."""

import importlib.metadata


def test_system_tab_through_the_api(app_url):
    from gradio_client import Client

    rows = Client(app_url, verbose=False).predict(api_name="/system")["data"]
    table = {(section, item): value for section, item, value in rows}
    assert table[("library", "torch")] == importlib.metadata.version("torch")
    assert table[("device", "CUDA")] in ("True", "False")
    assert int(table[("memory", "process resident MB")]) > 50
    assert ("allowed model", "id") in table
