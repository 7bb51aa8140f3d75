"""Your own data: CSV tables and zips of image folders, end to end, and the files that must be refused."""

import os
import stat
import zipfile

import pytest
import torch

from playground.data.csv_table import describe, read_table, table_dataset
from playground.data.image_folders import image_dataset
from playground.data.registry import dataset_names, get_dataset, load_dataset, session_scope
from playground.data.uploads import register_upload
from playground.errors import UserError
from playground.training.run import Run
from tests.own_data import bar_image, bars_zip, houses_csv, people_csv, zip_with


@pytest.fixture
def people(tmp_path):
    return people_csv(tmp_path / "people.csv")


@pytest.fixture
def houses(tmp_path):
    return houses_csv(tmp_path / "houses.csv")


# tables


def test_preview_statistics_see_gaps_kinds_and_text(people):
    rows = {r["column"]: r for r in describe(read_table(people))}
    assert rows["x1"]["kind"] == "numeric" and rows["x1"]["missing"] == 30
    assert rows["colour"]["kind"] == "categorical" and rows["colour"]["missing"] == 20
    assert rows["id"]["kind"] == "text" and rows["label"]["kind"] == "categorical"
    assert rows["x2"]["mean"] == pytest.approx(read_table(people)["x2"].mean(), abs=1e-4)


def test_csv_classification_end_to_end_with_gaps_and_categories(people):
    splits, description = table_dataset(people, "label", ["x1", "x2", "colour"])
    assert splits.task == "classification" and splits.classes == ["no", "yes"]
    assert "5 without a label left out" in description
    assert sum(splits.sizes().values()) == 395
    # x1, x2 and one-hot colour with a 'missing' category, all finite after filling the gaps
    assert splits.feature_names == ["x1", "x2", "colour=blue", "colour=green", "colour=missing", "colour=red"]
    assert torch.isfinite(splits.x_train).all() and torch.isfinite(splits.x_test).all()
    with session_scope("visitor-a"):
        name = register_upload(splits, description).name
        run = Run("mlp", name, train_settings={"epochs": 12, "lr": 0.01})
        list(run.events())
    assert run.summary["test_accuracy"] > 0.85  # the rule is learnable; gaps cost a little


def test_a_text_column_is_refused_with_a_sentence_and_fine_when_left_out(people):
    with pytest.raises(UserError, match="'id' has 395 different text values.*leave it out"):
        table_dataset(people, "label")  # default features: every other column, id included
    splits, _ = table_dataset(people, "label", ["x2", "colour"])
    assert splits.input_shape == (5,)


def test_csv_regression_is_inferred_trained_and_scored_in_its_own_units(houses):
    splits, description = table_dataset(houses, "price", ["a", "b", "colour"])
    assert splits.task == "regression" and "regression of 'price'" in description
    assert splits.y_train.mean().abs() < 1e-5 and splits.target_std > 1.0  # standardized, scale kept
    with session_scope("visitor-a"):
        run = Run("mlp", register_upload(splits, description).name, train_settings={"epochs": 15, "lr": 0.01})
        list(run.events())
    assert run.summary["test_r2"] > 0.9
    assert 0.1 < run.summary["test_mae"] < 1.0  # noise is 0.3 in price units


def test_the_inferred_task_can_be_overridden_or_refused(people, houses):
    splits, _ = table_dataset(houses, "colour", ["a", "b"], task="auto")
    assert splits.task == "classification" and splits.classes == ["blue", "green", "red"]
    with pytest.raises(UserError, match="holds text, so it can't be a regression target"):
        table_dataset(people, "label", ["x1"], task="regression")
    with pytest.raises(UserError, match="too many classes"):
        table_dataset(houses, "price", ["a"], task="classification")
    with pytest.raises(UserError, match="no column 'nope'"):
        table_dataset(houses, "nope")
    with pytest.raises(UserError, match="can't also be a feature"):
        table_dataset(houses, "price", ["a", "price"])


def test_bad_tables_get_one_sentence(tmp_path):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 20)
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("a,b\n1,2\n3,4\n")
    for path, message in ((binary, "Can't read 'photo.csv'"), (tiny, "at least 20 are needed"),
                          (tmp_path / "data.xlsx", "Can't find"), (None, "Choose the CSV")):
        with pytest.raises(UserError, match=message):
            read_table(path)
    wrong_type = tmp_path / "data.xlsx"
    wrong_type.write_text("x")
    with pytest.raises(UserError, match="is not a CSV file"):
        read_table(wrong_type)


def test_uploads_over_the_size_limit_are_refused(people, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(UserError, match="uploads may be at most 0.0 MB"):
        read_table(people)


def test_the_host_can_bound_the_rows_of_an_upload(people, tmp_path, monkeypatch):
    from playground import limits

    monkeypatch.setattr(limits, "_enforced", True)  # as app.py does for web visitors
    monkeypatch.setenv("PLAYGROUND_MAX_DATASET_ROWS", "100")
    with pytest.raises(UserError, match="at most 100 dataset rows per job.*you asked for 400.*MAX_DATASET_ROWS"):
        read_table(people)
    with pytest.raises(UserError, match="at most 100 dataset rows per job.*you asked for 120"):
        image_dataset(bars_zip(tmp_path / "bars.zip", per_class=60), 16)
    monkeypatch.setenv("PLAYGROUND_MAX_DATASET_ROWS", "500")
    assert len(read_table(people)) == 400


def test_an_upload_is_seen_by_its_visitor_only(people):
    splits, description = table_dataset(people, "label", ["x1", "x2"])
    register_upload(splits, description, session="visitor-a")
    with session_scope("visitor-a"):
        assert splits.name in dataset_names("tabular") and load_dataset(splits.name) is splits
        assert get_dataset(splits.name).task == "classification"
    with session_scope("visitor-b"):
        assert splits.name not in dataset_names()
        with pytest.raises(UserError, match="Unknown dataset"):
            load_dataset(splits.name)


# images


def test_image_zip_end_to_end(tmp_path):
    splits, description = image_dataset(bars_zip(tmp_path / "bars.zip"), size=16)
    assert splits.classes == ["horizontal", "vertical"] and splits.input_shape == (1, 16, 16)  # all greyscale
    assert sum(splits.sizes().values()) == 60 and "60 greyscale images in 2 classes" in description
    assert 0.0 <= float(splits.x_train.min()) and float(splits.x_train.max()) <= 1.0
    with session_scope("visitor-a"):
        name = register_upload(splits, description).name
        assert name in dataset_names("image")
        run = Run("cnn", name, model_settings={"channels": "8"}, train_settings={"epochs": 8, "lr": 0.01})
        list(run.events())
    assert run.summary["test_accuracy"] >= 0.9


def test_colour_images_keep_three_channels_and_size_is_checked(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    path = tmp_path / "colour.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(5):
            archive.writestr(f"a/{i}.png", bar_image(False, rng, colour=True))
            archive.writestr(f"b/{i}.png", bar_image(True, rng))
    assert image_dataset(path, size=12)[0].input_shape == (3, 12, 12)
    with pytest.raises(UserError, match="between 8 and 128"):
        image_dataset(path, size=500)


@pytest.mark.parametrize("name,data,message", [
    ("../evil.png", b"x", "points outside the zip's folder"),
    ("a/../../evil.png", b"x", "points outside"),
    ("/etc/evil.png", b"x", "points outside"),
    ("C:/evil.png", b"x", "points outside"),
    ("a/notes.png", b"this is text, not a picture", "not a PNG or JPEG image"),
    ("a/readme.txt", b"hello", "not a PNG or JPEG"),
    ("loose.png", None, "not inside a class folder"),
])
def test_hostile_or_wrong_zip_entries_are_refused(tmp_path, name, data, message):
    import numpy as np

    data = data if data is not None else bar_image(True, np.random.default_rng(0))
    before = set(tmp_path.parent.iterdir())
    with pytest.raises(UserError, match=message):
        image_dataset(zip_with(tmp_path / "bad.zip", {name: data}))
    assert set(tmp_path.parent.iterdir()) == before  # nothing was written anywhere
    assert not (tmp_path / "evil.png").exists() and not (tmp_path.parent / "evil.png").exists()


def test_a_gif_and_a_symlink_are_refused(tmp_path):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(UserError, match="is a GIF, not a PNG or JPEG"):
        image_dataset(zip_with(tmp_path / "gif.zip", {"a/x.png": buffer.getvalue()}))
    link = zipfile.ZipInfo("a/link.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = zip_with(tmp_path / "link.zip", {})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(UserError, match="symbolic link"):
        image_dataset(path)


def test_huge_entries_and_zip_bombs_are_refused_before_they_fill_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "0.05")  # 52 KB per file, 210 KB unpacked in all
    huge = zip_with(tmp_path / "huge.zip", {"a/huge.png": bytes(200_000)})  # zeros: deflates to almost nothing
    assert os.path.getsize(huge) < 52_000
    with pytest.raises(UserError, match="'a/huge.png' in the zip unpacks to 0.2 MB"):
        image_dataset(huge)
    many = zip_with(tmp_path / "many.zip", {f"a/big{i}.png": bytes(50_000) for i in range(6)})
    with pytest.raises(UserError, match="unpacks to more than 0.2 MB"):
        image_dataset(many)


def test_wrong_shapes_of_zip_are_refused(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    one_class = tmp_path / "one.zip"
    with zipfile.ZipFile(one_class, "w") as archive:
        for i in range(6):
            archive.writestr(f"cats/{i}.png", bar_image(True, rng))
    with pytest.raises(UserError, match="1 class folder.*at least two"):
        image_dataset(one_class)
    few = tmp_path / "few.zip"
    with zipfile.ZipFile(few, "w") as archive:
        for i in range(6):
            archive.writestr(f"a/{i}.png", bar_image(True, rng))
        archive.writestr("b/0.png", bar_image(True, rng))
    with pytest.raises(UserError, match="Class 'b' has 1 images"):
        image_dataset(few)
    not_zip = tmp_path / "fake.zip"
    not_zip.write_text("not a zip")
    with pytest.raises(UserError, match="not a valid zip"):
        image_dataset(not_zip)


def test_a_vae_trains_on_an_uploaded_zip_that_other_visitors_cannot_see(tmp_path):
    """Uploaded image sets feed the generative tabs too, for their own visitor only."""
    from playground.generative.images import load_images
    from playground.generative.vae_run import VaeRun

    splits, description = image_dataset(bars_zip(tmp_path / "bars.zip"), size=16)
    register_upload(splits, description, session="visitor-a")
    with session_scope("visitor-a"):
        assert len(load_images(splits.name).x_train) == len(splits.x_train)
        run = VaeRun(splits.name, settings={"epochs": 40})
        list(run.events())
        assert run.summary["test_recon_mse"] < run.summary["baseline_mse"]
    with session_scope("visitor-b"):
        with pytest.raises(UserError, match="Unknown dataset"):
            load_images(splits.name)


@pytest.mark.parametrize("target, features, task, message", [
    (["label"], None, "auto", r"There is no column '\['label'\]' to predict"),
    ("x" * 100_000, None, "auto", "There is no column 'xxxxxxxx"),
    ("label", "x1", "auto", "must be a list of column names"),
    ("label", [3.5], "auto", "must be a list of column names"),
    ("label", ["x1"], float("nan"), "Task must be one of auto, classification, regression; got 'nan'"),
])
def test_wrong_choices_for_a_table_get_one_short_sentence(people, target, features, task, message):
    with pytest.raises(UserError, match=message) as refused:
        table_dataset(people, target, features, task)
    assert len(str(refused.value)) < 300


@pytest.mark.parametrize("size", [None, float("nan"), float("inf"), "big", [32]])
def test_an_image_size_that_is_not_a_number_gets_a_sentence(tmp_path, size):
    with pytest.raises(UserError, match="Image size must be"):
        image_dataset(bars_zip(tmp_path / "bars.zip"), size)
