"""The data folder lands on a Space's persistent storage by itself, and downloads live beside the database."""

from pathlib import Path

from playground import outputs, places


def test_an_explicit_data_dir_wins_and_downloads_go_inside_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "kept"))
    monkeypatch.delenv("PLAYGROUND_OUTPUT_DIR", raising=False)
    assert places.data_dir() == tmp_path / "kept"
    assert outputs.output_root() == (tmp_path / "kept" / "outputs").resolve()
    assert outputs.new_run_dir("train").parent == (tmp_path / "kept" / "outputs").resolve()


def test_on_a_space_with_storage_the_data_goes_to_it(monkeypatch, tmp_path):
    monkeypatch.delenv("PLAYGROUND_DATA_DIR", raising=False)
    monkeypatch.setattr(places, "SPACE_STORAGE", tmp_path)
    monkeypatch.setenv("SPACE_ID", "someone/playground")
    assert places.data_dir() == tmp_path / "playground"
    monkeypatch.delenv("SPACE_ID")
    assert places.data_dir() == Path("playground-data")  # not a Space: the working folder, as the README says
    monkeypatch.setenv("SPACE_ID", "someone/playground")
    monkeypatch.setattr(places, "SPACE_STORAGE", tmp_path / "no-storage-bought")
    assert places.data_dir() == Path("playground-data")


def test_output_dir_can_be_moved_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_OUTPUT_DIR", str(tmp_path / "downloads"))
    assert places.output_dir() == tmp_path / "downloads"
