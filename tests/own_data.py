"""Small files made on the spot for the upload tests: CSV tables and zips of class folders (good and hostile)."""

import io
import zipfile
from pathlib import Path

import numpy as np


def people_csv(path: Path, rows: int = 400) -> Path:
    """Classification: 'label' (yes/no) from two numbers and a colour; gaps in x1, colour and label; an 'id'
    text column that is one value per row."""
    import pandas as pd

    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=rows), rng.normal(size=rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    label = np.where(x1 + 1.5 * (colour == "red") - 0.5 * x2 > 0.3, "yes", "no")
    frame = pd.DataFrame({"id": [f"person-{i:04d}" for i in range(rows)], "x1": x1, "x2": x2, "colour": colour,
                          "label": label})
    frame.loc[rng.choice(rows, 30, replace=False), "x1"] = np.nan
    frame.loc[rng.choice(rows, 20, replace=False), "colour"] = np.nan
    frame.loc[rng.choice(rows, 5, replace=False), "label"] = np.nan
    frame.to_csv(path, index=False)
    return path


def houses_csv(path: Path, rows: int = 400) -> Path:
    """Regression: price = 3a - 2b + 2 (if red) + noise, with a categorical column and a few gaps."""
    import pandas as pd

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=rows), rng.normal(size=rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    price = 3 * a - 2 * b + 2 * (colour == "red") + rng.normal(0, 0.3, rows)
    frame = pd.DataFrame({"a": a, "b": b, "colour": colour, "price": price})
    frame.loc[rng.choice(rows, 15, replace=False), "b"] = np.nan
    frame.to_csv(path, index=False)
    return path


def bar_image(vertical: bool, rng, size: int = 20, fmt: str = "PNG", colour: bool = False) -> bytes:
    """A bright bar on a dark noisy background: vertical or horizontal, at a random place."""
    from PIL import Image

    pixels = rng.uniform(0, 60, (size, size))
    at = rng.integers(3, size - 5)
    if vertical:
        pixels[:, at:at + 3] = 230
    else:
        pixels[at:at + 3, :] = 230
    image = Image.fromarray(pixels.astype(np.uint8), "L")
    if colour:
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def bars_zip(path: Path, per_class: int = 30, wrapper: str | None = "bars") -> Path:
    """Two classes, 'horizontal' (PNG) and 'vertical' (JPEG), inside an optional wrapping folder."""
    rng = np.random.default_rng(0)
    prefix = f"{wrapper}/" if wrapper else ""
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(per_class):
            archive.writestr(f"{prefix}horizontal/{i}.png", bar_image(False, rng))
            archive.writestr(f"{prefix}vertical/{i}.jpg", bar_image(True, rng, fmt="JPEG"))
        archive.writestr(f"{prefix}.DS_Store", b"junk")  # hidden files are skipped
        archive.writestr("__MACOSX/vertical/._0.jpg", b"junk")
    return path


def zip_with(path: Path, entries: dict[str, bytes], *, per_class: int = 6) -> Path:
    """A valid two-class zip plus the given extra entries."""
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(per_class):
            archive.writestr(f"a/{i}.png", bar_image(False, rng))
            archive.writestr(f"b/{i}.png", bar_image(True, rng))
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)  # taken as written: names with '..' or '/' are not cleaned
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path
