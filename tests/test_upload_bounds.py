"""Hostile uploads stay within their memory budget: zip bombs of pixels, huge images, a million-row CSV, and a
visitor who keeps uploading. Peak memory is measured in a child process (its own peak against its resident
size before the upload, peak from /proc's VmHWM), so other tests and a busy machine don't blur it."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from playground import limits
from playground.data import registry
from playground.data.csv_table import read_table, table_dataset
from playground.data.image_folders import image_dataset
from playground.data.uploads import register_upload
from playground.errors import UserError
from tests.own_data import bars_zip, people_csv

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys
def rss_mb(field="VmRSS"):  # VmHWM is the peak; unlike ru_maxrss it is not inherited from the forking parent
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(field + ":")) / 1024
import numpy, torch, PIL.Image, sklearn.model_selection
from playground import limits
from playground.data.image_folders import image_dataset
from playground.errors import UserError
limits.enforce(True)
baseline = rss_mb()
try:
    splits, _ = image_dataset(sys.argv[1], int(sys.argv[2]))
    refused, shape = None, list(splits.x_train.shape)
except UserError as error:
    refused, shape = str(error), None
print(json.dumps({"growth_mb": rss_mb("VmHWM") - baseline, "refused": refused, "shape": shape}))
"""


def upload_in_child(path: Path, size: int) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(size)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def enforced(monkeypatch):
    monkeypatch.setattr(limits, "_enforced", True)  # as app.py does for web visitors


# images


def test_a_zip_of_twenty_thousand_pixels_is_refused_from_its_listing(tmp_path, monkeypatch, enforced):
    """3 MB on the wire, 3.9 GB as 128x128 float32 (it peaked at +12.9 GB before): refused before one decode."""
    from PIL import Image

    from playground.data import image_folders

    pixel = png(Image.new("RGB", (1, 1), (200, 30, 30)))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(19_999):
            archive.writestr(f"class{index % 10}/{index}.png", pixel)
    opened = []
    monkeypatch.setattr(image_folders, "open_image", lambda *a: opened.append(a))
    with pytest.raises(UserError, match=r"19,999 images of 128x128 would take at least 1,250 MB in memory; this "
                                        r"app keeps at most 128 MB per dataset .*PLAYGROUND_MAX_DATASET_MB"):
        image_dataset(bomb, 128)
    assert opened == []  # not one entry was even read
    monkeypatch.undo()
    result = upload_in_child(bomb, 128)
    assert "PLAYGROUND_MAX_DATASET_MB" in result["refused"] and result["growth_mb"] < 64


def test_huge_images_are_decoded_one_at_a_time(tmp_path):
    """Twelve 16-megapixel PNGs hold 192 MB decoded at once; one at a time the peak is about one of them."""
    from PIL import Image

    path = tmp_path / "huge.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(12):
            archive.writestr(f"class{index % 2}/{index}.png", png(Image.new("L", (4000, 4000), 40 + 10 * index)))
    result = upload_in_child(path, 32)
    assert result["refused"] is None and result["shape"][1:] == [1, 32, 32]
    assert result["growth_mb"] < 100, result  # 16 MB per image decoded, 192 MB if they were all kept


def test_the_colour_of_the_images_is_priced_from_their_headers(tmp_path, monkeypatch, enforced):
    """One channel passes the listing's price, three don't: refused after the headers, before decoding."""
    from playground.data import image_folders

    monkeypatch.setenv("PLAYGROUND_MAX_DATASET_MB", "0.1")  # 104,857 bytes: 60 images of 16x16 grey are 61,440
    decoded = []
    monkeypatch.setattr(image_folders, "decode", lambda *a: decoded.append(a))
    colour = tmp_path / "colour.zip"
    with zipfile.ZipFile(bars_zip(tmp_path / "bars.zip"), "r") as source, zipfile.ZipFile(colour, "w") as archive:
        from PIL import Image

        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".png"):
                data = png(Image.open(io.BytesIO(data)).convert("RGB"))
            archive.writestr(info, data)
    with pytest.raises(UserError, match="60 images of 16x16 would take 0.18 MB in memory; this app keeps at most "
                                        "0.1 MB per dataset"):
        image_dataset(colour, 16)
    assert decoded == []


# a visitor's total


def test_a_visitor_can_hold_only_so_much_and_it_goes_when_they_leave(tmp_path, monkeypatch, enforced):
    from playground.ui import data_upload, visitors

    monkeypatch.setenv("PLAYGROUND_MAX_VISITOR_DATASETS_MB", "0.1")  # room for one 16x16 bars set (61,440 bytes)
    with registry.session_scope("visitor-c"):
        first, description = image_dataset(bars_zip(tmp_path / "bars.zip"), 16)
        register_upload(first, description)
        register_upload(first, description)  # the same upload again replaces itself: no more room needed
        with pytest.raises(UserError, match=r"This dataset \(0.059 MB\) and your other uploads \(0.059 MB\) would "
                                            r"pass the 0.1 MB this app keeps per visitor .*VISITOR_DATASETS_MB"):
            image_dataset(bars_zip(tmp_path / "bars-again.zip", wrapper="again"), 16)
        path = people_csv(tmp_path / "people.csv")
        data_upload.open_table("visitor-c", path)
        assert data_upload.kept_table("visitor-c", path) is not None
    with registry.session_scope("visitor-d"):  # another visitor's room is their own
        theirs = register_upload(*image_dataset(bars_zip(tmp_path / "bars.zip"), 16)).name
    visitors.forget_session("visitor-c")  # what demo.unload calls when the page closes
    with registry.session_scope("visitor-c"):
        assert first.name not in registry.dataset_names()
    assert data_upload.kept_table("visitor-c", path) is None
    with registry.session_scope("visitor-d"):
        assert theirs in registry.dataset_names()
    visitors.forget_session("visitor-d")


def test_a_table_whose_encoding_would_pass_the_dataset_limit_is_refused_before_it_is_built(tmp_path, monkeypatch,
                                                                                          enforced):
    monkeypatch.setenv("PLAYGROUND_MAX_DATASET_MB", "0.001")
    with pytest.raises(UserError, match="395 rows of 6 inputs would take 0.009 MB in memory; this app keeps at most "
                                        "0.001 MB per dataset .*PLAYGROUND_MAX_DATASET_MB"):
        table_dataset(people_csv(tmp_path / "people.csv"), "label", ["x1", "x2", "colour"])


# rows


def test_a_million_row_csv_is_refused_without_parsing_it_whole(tmp_path, monkeypatch, enforced):
    import pandas as pd

    path = tmp_path / "rows.csv"
    with open(path, "w") as handle:
        handle.write("a,b,label\n")
        handle.writelines(f"{i % 10},{i % 7},{i % 2}\n" for i in range(1_000_000))
    parsed = []
    real_read_csv = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: parsed.append(k.get("nrows")) or real_read_csv(*a, **k))
    with pytest.raises(UserError, match="at most 50,000 dataset rows per job .you asked for 1,000,000.; the host can "
                                        "raise it with PLAYGROUND_MAX_DATASET_ROWS"):
        read_table(path)
    assert parsed == [50_001]  # one parse, of the rows that prove it is over, never the million


def test_line_breaks_inside_quotes_do_not_count_as_rows(tmp_path, monkeypatch, enforced):
    """The line count only bounds the rows; a table under the limit whose fields hold line breaks is taken."""
    monkeypatch.setenv("PLAYGROUND_MAX_DATASET_ROWS", "100")
    path = tmp_path / "notes.csv"
    path.write_text("x;note;label\n" + "".join(f'{i};"line one\nline two\nline three";{i % 2}\n' for i in range(60)))
    frame = read_table(path)
    assert len(frame) == 60 and list(frame.columns) == ["x", "note", "label"]
    assert frame["note"][0] == "line one\nline two\nline three"
