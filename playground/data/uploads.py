"""Uploaded files, checked before anything reads them: size limits, zip entries, and a name per upload.

Every limit comes from one environment variable, PLAYGROUND_MAX_UPLOAD_MB
(default 20): an upload may be that big, each file inside a zip too, and a zip
may unpack to at most four times that. Zips are never extracted to disk: their
entries are read into memory one by one, at most the limit plus one byte, so
an entry that lies about its size is caught as it reads; the listing is
checked before any entry is read, so a zip can be refused without unpacking
it (image_folders prices its pixels from the listing). Entries with absolute
paths or `..` are refused outright, since they could only be an attempt to
write outside the folder. Each refusal is one sentence.
"""

import hashlib
import zipfile
from pathlib import Path, PurePosixPath

from playground import i18n
from playground.errors import UserError, shorten

MAX_ZIP_ENTRIES = 20_000


def max_upload_bytes() -> int:
    from playground.guards import upload_limit_bytes  # PLAYGROUND_MAX_UPLOAD_MB, read in one place

    return upload_limit_bytes()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_upload(path, suffixes: tuple[str, ...], what: str) -> Path:
    """The file exists, has one of `suffixes` and is within the size limit; `what` is a noun's key ("nouns.zip_file")."""
    what = i18n.t(what)
    if path is None or str(path).strip() == "":
        raise UserError(i18n.t("errors.upload.choose_first", what=what))
    path = Path(path)
    if not path.is_file():
        raise UserError(i18n.t("errors.upload.not_found", name=path.name))
    if path.suffix.lower() not in suffixes:
        raise UserError(i18n.t("errors.upload.wrong_kind", name=path.name, what=what,
                               suffixes=i18n.t("errors.upload.or").join(suffixes)))
    size, limit = path.stat().st_size, max_upload_bytes()
    if size > limit:
        raise UserError(i18n.t("errors.upload.too_big", name=path.name, size=_megabytes(size), limit=_megabytes(limit)))
    if size == 0:
        raise UserError(i18n.t("errors.upload.empty", name=path.name))
    return path


def safe_entry_name(name: str) -> PurePosixPath:
    """A zip entry's path, refused when it is absolute or climbs out with '..'."""
    unified = name.replace("\\", "/")
    path = PurePosixPath(unified)
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":") or ".." in path.parts:
        raise UserError(i18n.t("errors.zip.outside", name=shorten(name, 80)))
    return path


class ZipUpload:
    """An uploaded zip, open: its file entries listed and checked without reading any, then read one at a time.

    `entries` leaves out folders, hidden files and macOS metadata. The listing's declared sizes are checked
    first (each file, and the total against four times the upload limit); `read` checks them again as it
    reads, so an entry that understates its size is caught too. Use as a context manager.
    """

    def __init__(self, path):
        path = check_upload(path, (".zip",), "nouns.zip_file")
        self.limit, self.total_limit, self.total = max_upload_bytes(), 4 * max_upload_bytes(), 0
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise UserError(i18n.t("errors.zip.invalid", name=path.name)) from None
        try:
            self.entries = self._list()
        except UserError:
            self.archive.close()
            raise

    def _list(self) -> list[tuple[PurePosixPath, zipfile.ZipInfo]]:
        infos = self.archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UserError(i18n.t("errors.zip.too_many_entries", count=len(infos), most=MAX_ZIP_ENTRIES))
        entries, declared = [], 0
        for info in infos:
            entry = safe_entry_name(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise UserError(i18n.t("errors.zip.symlink", name=shorten(info.filename, 80)))
            if info.is_dir() or any(part.startswith((".", "__MACOSX")) for part in entry.parts):
                continue
            if info.file_size > self.limit:
                raise UserError(i18n.t("errors.zip.entry_too_big", name=shorten(info.filename, 80),
                                       size=_megabytes(info.file_size), limit=_megabytes(self.limit)))
            declared += info.file_size
            if declared > self.total_limit:
                raise UserError(i18n.t("errors.zip.total_too_big", limit=_megabytes(self.total_limit)))
            entries.append((entry, info))
        return entries

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """One entry's bytes, at most the per-file limit plus one byte read, the running total checked."""
        try:
            with self.archive.open(info) as handle:
                data = handle.read(self.limit + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as error:
            raise UserError(i18n.t("errors.zip.unreadable", name=shorten(info.filename, 80),
                                   reason=str(error)[:80])) from None
        if len(data) > self.limit:  # the header understated the size
            raise UserError(i18n.t("errors.zip.entry_over", name=shorten(info.filename, 80), limit=_megabytes(self.limit)))
        self.total += len(data)
        if self.total > self.total_limit:
            raise UserError(i18n.t("errors.zip.total_too_big", limit=_megabytes(self.total_limit)))
        return data

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> "ZipUpload":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def upload_name(path, *choices) -> str:
    """'<file stem> (upload abc123)': the hash of the file and the choices made, so the same upload gets the same
    name and different ones never share a name (caches keyed by dataset name stay correct)."""
    path = Path(path)
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr(choices).encode())
    return f"{path.stem[:40]} (upload {digest.hexdigest()[:6]})"


def register_upload(splits, description: str, *, session: str | None = None):
    """File the upload's splits as a dataset of the current visitor (see registry.add_session_dataset), once it
    fits their PLAYGROUND_MAX_VISITOR_DATASETS_MB; images suggest a CNN, as the bundled image sets do."""
    from playground.data import budget
    from playground.data.registry import add_session_dataset, current_session

    session = session or current_session()
    suggested = {"model": "cnn"} if splits.kind == "image" else {}
    with budget.filing:
        budget.check_room(budget.splits_bytes(splits), session, name=splits.name)
        return add_session_dataset(splits, description, suggested=suggested, session=session)
