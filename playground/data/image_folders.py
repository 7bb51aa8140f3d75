"""Your own images: a zip with one folder per class of PNG or JPEG files -> an image classification dataset.

Every file is opened with Pillow and must really be a PNG or a JPEG (the name
alone proves nothing). Images are squashed to `size` x `size` pixels and kept
greyscale when every one of them is, colour otherwise. The set's tensors are
priced before any image is decoded (budget.py), and images are decoded one at a
time, so a 3 MB zip can't become gigabytes. A single folder
wrapping the class folders (what zipping a folder gives) is looked through.
"""

import io
import math
from collections import defaultdict

import numpy as np

from playground import i18n
from playground import limits
from playground.data import budget
from playground.data.registry import current_session, split_three, to_splits
from playground.data.uploads import ZipUpload, upload_name
from playground.errors import UserError, shorten

IMAGE_FORMATS = ("PNG", "JPEG")
GREY_MODES = ("L", "1", "I;16", "I")  # kept as one channel when every image is one of these
MAX_PIXELS = 40_000_000  # per image, before resizing (a decompression bomb claims far more)
MIN_PER_CLASS = 5
MAX_CLASSES = 100
SIZES = (8, 128)  # the smallest and largest side accepted
NAME_CHARS = 80  # of a file's path inside the zip, as a sentence quotes it


def checked_size(size) -> int:
    """The side in pixels, a whole number in SIZES, or one sentence."""
    try:
        number = float(size)
    except (TypeError, ValueError):
        raise UserError(i18n.t("errors.images.size_not_number", low=SIZES[0], high=SIZES[1])) from None
    if not math.isfinite(number) or not SIZES[0] <= number <= SIZES[1]:
        raise UserError(i18n.t("errors.images.size_range", low=SIZES[0], high=SIZES[1], size=str(size)[:20]))
    return int(number)


def open_image(name: str, data: bytes):
    """A Pillow image, header read but pixels not yet decoded, that really is a PNG or JPEG of sane size."""
    from PIL import Image

    name = shorten(name, NAME_CHARS)
    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UserError(i18n.t("errors.images.not_image", name=name)) from None
    if image_format not in IMAGE_FORMATS:
        raise UserError(i18n.t("errors.images.wrong_format", name=name,
                               format=image_format or i18n.t("errors.images.unknown_type")))
    if image.width * image.height > MAX_PIXELS:
        raise UserError(i18n.t("errors.images.too_many_pixels", name=name, width=image.width, height=image.height,
                               most=MAX_PIXELS))
    return image


def decode(name: str, image, mode: str, size: int) -> np.ndarray:
    """The image decoded and resized to size x size in `mode`, as uint8 (size, size) or (size, size, 3).

    A JPEG is decoded at the smallest scale that still covers `size` (`draft`), and the resize reduces
    by whole factors first, so a large image costs one decode, never a full-size copy per step.
    """
    from PIL import Image

    name = shorten(name, NAME_CHARS)
    try:
        image.draft(mode, (size, size))  # JPEG only; a no-op for PNG
        image.load()
        if image.mode != mode:
            image = image.convert(mode)
        image = image.resize((size, size), Image.Resampling.BILINEAR, reducing_gap=3.0)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UserError(i18n.t("errors.images.not_image", name=name)) from None
    return np.asarray(image, dtype=np.uint8)


def class_folders(entries) -> dict[str, list[tuple[str, object]]]:
    """{class name: [(file name, entry)]} from the zip's paths 'class/file' (or 'wrapper/class/file')."""
    paths = [(path.parts, entry) for path, entry in entries]
    if paths and all(len(parts) >= 3 for parts, _ in paths) and len({parts[0] for parts, _ in paths}) == 1:
        paths = [(parts[1:], entry) for parts, entry in paths]  # look through one wrapping folder
    classes: dict[str, list] = defaultdict(list)
    for parts, entry in paths:
        if len(parts) != 2:
            raise UserError(i18n.t("errors.images.not_in_class_folder", name=shorten('/'.join(parts), NAME_CHARS)))
        classes[parts[0]].append(("/".join(parts), entry))
    return dict(classes)


def check_classes(classes: dict) -> list[str]:
    """The class names in order, once the folders make a dataset: 2 to MAX_CLASSES, MIN_PER_CLASS each."""
    if len(classes) < 2:
        raise UserError(i18n.t("errors.images.one_class", count=len(classes)))
    if len(classes) > MAX_CLASSES:
        raise UserError(i18n.t("errors.images.too_many_classes", count=len(classes), most=MAX_CLASSES))
    limits.check("dataset_rows", sum(len(images) for images in classes.values()))  # one image, one row
    names = sorted(classes)
    for name in names:
        if len(classes[name]) < MIN_PER_CLASS:
            raise UserError(i18n.t("errors.images.small_class", label=name, count=len(classes[name]),
                                   least=MIN_PER_CLASS))
    return names


def check_memory(count: int, channels: int, size: int, *, at_least: bool = False) -> None:
    """The tensors of `count` images against the dataset limit and what this visitor already holds."""
    tensor_bytes = count * channels * size * size * budget.FLOAT32
    budget.check_dataset(tensor_bytes, i18n.t("errors.budget.images_of", count=count, size=size), at_least=at_least)
    budget.check_room(tensor_bytes, current_session())


def image_dataset(path, size: int = 32):
    """Read, check and resize a zip of class folders; returns (Splits, description).

    Memory stays near the final tensors: the zip is priced from its listing before anything is decoded (one
    channel, the least it can be), again from the images' headers (one or three), then each image is decoded,
    resized and written straight into its split's array, one at a time.
    """
    size = checked_size(size)
    with ZipUpload(path) as upload:
        classes = class_folders(upload.entries)
        names = check_classes(classes)
        files = [(label, file_name, entry) for label, name in enumerate(names) for file_name, entry in classes[name]]
        check_memory(len(files), 1, size, at_least=True)
        images = [open_image(file_name, upload.read(info)) for _, file_name, info in files]
    grey = all(image.mode in GREY_MODES for image in images)
    channels, mode = (1, "L") if grey else (3, "RGB")
    check_memory(len(files), channels, size)
    labels = np.asarray([label for label, _, _ in files])
    parts = split_three(np.arange(len(files)), labels)  # which image goes where, before any pixel exists
    arrays = {"classes": names}
    where = {}
    for split in ("train", "val", "test"):
        rows = parts[f"x_{split}"]
        arrays[f"x_{split}"] = np.empty((len(rows), channels, size, size), dtype=np.float32)
        arrays[f"y_{split}"] = parts[f"y_{split}"]
        where.update({int(index): (split, row) for row, index in enumerate(rows)})
    for index, (_, file_name, _) in enumerate(files):
        pixels = decode(file_name, images[index], mode, size)
        images[index] = None  # its bytes and pixels go now, not at the end
        split, row = where[index]
        arrays[f"x_{split}"][row] = (pixels[None] if grey else pixels.transpose(2, 0, 1)) / np.float32(255.0)
    splits = to_splits(upload_name(path, size), "image", arrays)
    counts = {name: len(classes[name]) for name in names}
    description = (f"Your images: {len(labels):,} {'greyscale' if grey else 'colour'} images in {len(names)} classes "
                   f"({', '.join(f'{n}: {counts[n]}' for n in names[:6])}{', …' if len(names) > 6 else ''}), "
                   f"resized to {size}x{size}.")
    return splits, description
