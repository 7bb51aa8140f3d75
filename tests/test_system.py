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


def test_system_tab_shows_the_disk_limits_and_what_the_folders_hold(app_url):
    from gradio_client import Client

    from playground.outputs import new_run_dir, output_root

    (new_run_dir("train") / "weights.safetensors").write_bytes(b"w" * 300_000)
    rows = Client(app_url, verbose=False).predict(api_name="/system")["data"]
    table = {(section, item): value for section, item, value in rows}
    assert table[("limit", "hours that run folders and uploads are kept (PLAYGROUND_KEEP_FILES_HOURS)")] == "24"
    assert table[("limit", "MB of disk for run folders, uploads and Gradio's cache (PLAYGROUND_MAX_DISK_MB)")] \
        == "2,000"
    outputs = [value for (section, item), value in table.items()
               if section == "disk" and item == str(output_root())]
    assert outputs and float(outputs[0].split(" MB")[0].replace(",", "")) >= 0.3
    assert table[("disk", "total (PLAYGROUND_MAX_DISK_MB)")].endswith("of 2,000 MB")
