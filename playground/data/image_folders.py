"""Your own images: a zip with one folder per class of PNG or JPEG files -> an image classification dataset.

Every file is opened with Pillow and must really be a PNG or a JPEG (the name
alone proves nothing). Images are squashed to `size` x `size` pixels and kept
greyscale when every one of them is, colour otherwise. A single folder
wrapping the class folders (what zipping a folder gives) is looked through.
"""

import io
from collections import defaultdict

import numpy as np

from playground import limits
from playground.data.registry import split_three, to_splits
from playground.data.uploads import read_zip, upload_name
from playground.errors import UserError

IMAGE_FORMATS = ("PNG", "JPEG")
MAX_PIXELS = 40_000_000  # per image, before resizing (a decompression bomb claims far more)
MIN_PER_CLASS = 5
MAX_CLASSES = 100
SIZES = (8, 128)  # the smallest and largest side accepted


def open_image(name: str, data: bytes):
    """A Pillow image that is really a PNG or JPEG of sane size, or one sentence saying why not."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format
        if image_format not in IMAGE_FORMATS:
            raise UserError(f"'{name}' is a {image_format or 'file of unknown type'}, not a PNG or JPEG image.")
        if image.width * image.height > MAX_PIXELS:
            raise UserError(f"'{name}' is {image.width}x{image.height} pixels; at most {MAX_PIXELS:,} are accepted.")
        image.load()
    except UserError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UserError(f"'{name}' is not a PNG or JPEG image that can be opened.") from None
    return image


def class_folders(files) -> dict[str, list[tuple[str, bytes]]]:
    """{class name: [(file name, bytes)]} from the zip's paths 'class/file' (or 'wrapper/class/file')."""
    paths = [(path.parts, data) for path, data in files]
    if paths and all(len(parts) >= 3 for parts, _ in paths) and len({parts[0] for parts, _ in paths}) == 1:
        paths = [(parts[1:], data) for parts, data in paths]  # look through one wrapping folder
    classes: dict[str, list] = defaultdict(list)
    for parts, data in paths:
        if len(parts) != 2:
            raise UserError(f"'{'/'.join(parts)}' is not inside a class folder: the zip must hold one folder per "
                            "class, each with its images (cats/1.png, dogs/7.jpg, ...).")
        classes[parts[0]].append(("/".join(parts), data))
    return dict(classes)


def image_dataset(path, size: int = 32):
    """Read, check and resize a zip of class folders; returns (Splits, description)."""
    from PIL import Image

    if not SIZES[0] <= int(size) <= SIZES[1]:
        raise UserError(f"Image size must be between {SIZES[0]} and {SIZES[1]} pixels; got {size}.")
    size = int(size)
    classes = class_folders(read_zip(path))
    if len(classes) < 2:
        raise UserError(f"The zip has {len(classes)} class folder(s); it needs at least two, one per class.")
    if len(classes) > MAX_CLASSES:
        raise UserError(f"The zip has {len(classes)} class folders; at most {MAX_CLASSES} are accepted.")
    limits.check("dataset_rows", sum(len(images) for images in classes.values()))  # one image, one row
    names = sorted(classes)
    for name in names:
        if len(classes[name]) < MIN_PER_CLASS:
            raise UserError(f"Class '{name}' has {len(classes[name])} images; every class needs at least "
                            f"{MIN_PER_CLASS}.")
    images, labels = [], []
    for label, name in enumerate(names):
        for file_name, data in classes[name]:
            images.append(open_image(file_name, data))
            labels.append(label)
    grey = all(image.mode in ("L", "1", "I;16", "I") for image in images)
    mode = "L" if grey else "RGB"
    pixels = np.stack([np.asarray(image.convert(mode).resize((size, size), Image.Resampling.BILINEAR),
                                  dtype=np.float32) / 255.0 for image in images])
    pixels = pixels[:, None] if grey else pixels.transpose(0, 3, 1, 2)  # (N, C, H, W)
    arrays = {**split_three(pixels, np.asarray(labels)), "classes": names}
    splits = to_splits(upload_name(path, size), "image", arrays)
    description = (f"Your images: {len(labels):,} {'greyscale' if grey else 'colour'} images in {len(names)} classes "
                   f"({', '.join(f'{n}: {len(classes[n])}' for n in names[:6])}{', …' if len(names) > 6 else ''}), "
                   f"resized to {size}x{size}.")
    return splits, description
