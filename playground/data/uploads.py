"""Uploaded files, checked before anything reads them: size limits, zip entries, and a name per upload.

Every limit comes from one environment variable, PLAYGROUND_MAX_UPLOAD_MB
(default 20): an upload may be that big, each file inside a zip too, and a zip
may unpack to at most four times that. Zips are never extracted to disk: their
entries are read into memory one by one, at most the limit plus one byte, so
an entry that lies about its size is caught as it reads. Entries with absolute
paths or `..` are refused outright, since they could only be an attempt to
write outside the folder. Each refusal is one sentence.
"""

import hashlib
import zipfile
from pathlib import Path, PurePosixPath

from playground.errors import UserError

MAX_ZIP_ENTRIES = 20_000


def max_upload_bytes() -> int:
    from playground.guards import upload_limit_bytes  # PLAYGROUND_MAX_UPLOAD_MB, read in one place

    return upload_limit_bytes()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_upload(path, suffixes: tuple[str, ...], what: str) -> Path:
    """The file exists, has one of `suffixes` and is within the size limit."""
    if path is None or str(path).strip() == "":
        raise UserError(f"Choose a {what} to upload first.")
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Can't find the file '{path.name}': upload it again.")
    if path.suffix.lower() not in suffixes:
        raise UserError(f"'{path.name}' is not a {what} (expected {' or '.join(suffixes)}).")
    size, limit = path.stat().st_size, max_upload_bytes()
    if size > limit:
        raise UserError(f"'{path.name}' is {_megabytes(size)}; uploads may be at most {_megabytes(limit)}.")
    if size == 0:
        raise UserError(f"'{path.name}' is empty.")
    return path


def safe_entry_name(name: str) -> PurePosixPath:
    """A zip entry's path, refused when it is absolute or climbs out with '..'."""
    unified = name.replace("\\", "/")
    path = PurePosixPath(unified)
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":") or ".." in path.parts:
        raise UserError(f"The zip entry '{name}' points outside the zip's folder, so the zip is refused.")
    return path


def read_zip(path) -> list[tuple[PurePosixPath, bytes]]:
    """(path, bytes) of every file in the zip, hidden files and macOS metadata left out, within the limits."""
    path = check_upload(path, (".zip",), "zip file")
    limit, total_limit = max_upload_bytes(), 4 * max_upload_bytes()
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UserError(f"'{path.name}' is not a valid zip file.") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UserError(f"The zip holds {len(infos):,} entries; at most {MAX_ZIP_ENTRIES:,} are accepted.")
        files, total = [], 0
        for info in infos:
            entry = safe_entry_name(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise UserError(f"The zip entry '{info.filename}' is a symbolic link; links are refused.")
            if info.is_dir() or any(part.startswith((".", "__MACOSX")) for part in entry.parts):
                continue
            if info.file_size > limit:
                raise UserError(f"'{info.filename}' in the zip unpacks to {_megabytes(info.file_size)}; each file "
                                f"may be at most {_megabytes(limit)}.")
            try:
                with archive.open(info) as handle:
                    data = handle.read(limit + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as error:
                raise UserError(f"Can't read '{info.filename}' in the zip ({error}).") from None
            if len(data) > limit:  # the header understated the size
                raise UserError(f"'{info.filename}' in the zip unpacks to more than {_megabytes(limit)}.")
            total += len(data)
            if total > total_limit:
                raise UserError(f"The zip unpacks to more than {_megabytes(total_limit)}; that is the most accepted.")
            files.append((entry, data))
    return files


def upload_name(path, *choices) -> str:
    """'<file stem> (upload abc123)': the hash of the file and the choices made, so the same upload gets the same
    name and different ones never share a name (caches keyed by dataset name stay correct)."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr(choices).encode())
    return f"{path.stem[:40]} (upload {digest.hexdigest()[:6]})"


def register_upload(splits, description: str, *, session: str | None = None):
    """File the upload's splits as a dataset of the current visitor (see registry.add_session_dataset);
    images suggest a CNN, as the bundled image sets do."""
    from playground.data.registry import add_session_dataset

    suggested = {"model": "cnn"} if splits.kind == "image" else {}
    return add_session_dataset(splits, description, suggested=suggested, session=session)
