"""Your own table: a CSV file -> a look at its columns -> a classification or regression dataset.

Columns are numeric (numbers, possibly with gaps), categorical (a few distinct
values: text, yes/no, codes) or text (too many distinct values to be a
category: names, IDs, free text), which is refused as a feature with a
sentence. The task follows the target: categories or a handful of whole
numbers mean classification, other numbers regression; it can be overridden.
Rows are split first, and every statistic (medians for gaps, categories,
scaling) is learnt from the training rows only.
"""

import csv

import numpy as np

from playground import i18n
from playground import limits
from playground.data import budget
from playground.data.registry import current_session, split_three, to_splits
from playground.data.uploads import check_upload, upload_name
from playground.errors import QUOTE_CHARS, UserError, shorten

MAX_CATEGORIES = 50  # a feature with more distinct text values is free text or an ID
MAX_CLASSES = 50
MIN_ROWS, MIN_PER_CLASS = 20, 5
CLASS_LIKE_INTEGERS = 10  # a whole-number target with at most this many values is taken as classes
TASK_CHOICES = ("auto", "classification", "regression")
SEPARATORS = ",;\t|"
SNIFF_CHARS = 64 * 1024


def count_lines(path) -> int:
    """Lines in the file, counted in 1 MB blocks without parsing: an upper bound on its rows plus the header
    (a quoted field may hold a line break, so a line is not always a row)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(2**20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def sniff_separator(path) -> str:
    """Comma, semicolon, tab or bar, whichever the first lines use (comma when they don't say)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        sample = handle.read(SNIFF_CHARS)
    if len(sample) == SNIFF_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ","


def read_table(path):
    """The CSV as a DataFrame, parsed once with pandas' C engine, refused with a sentence when it can't be a
    dataset. Over PLAYGROUND_MAX_DATASET_ROWS is found by counting lines first; only when they say it may be
    over are the first limit + 1 rows parsed to be sure, never the whole file."""
    import pandas as pd

    path = check_upload(path, (".csv", ".tsv", ".txt"), "nouns.csv_file")
    most = int(limits.limit("dataset_rows")) if limits.enforced() else None
    lines = count_lines(path)
    bounded = most is not None and lines - 1 > most
    try:
        frame = pd.read_csv(path, sep=sniff_separator(path), engine="c", skipinitialspace=True, low_memory=False,
                            nrows=most + 1 if bounded else None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(i18n.t("errors.csv.unreadable", name=path.name, reason=reason[:120])) from None
    if bounded and len(frame) > most:
        limits.check("dataset_rows", lines - 1)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.shape[1] < 2:
        raise UserError(i18n.t("errors.csv.one_column", name=path.name, count=frame.shape[1]))
    if frame.columns.duplicated().any():
        raise UserError(i18n.t("errors.csv.duplicate_column", name=path.name,
                               column=short(frame.columns[frame.columns.duplicated()][0])))
    if len(frame) < MIN_ROWS:
        raise UserError(i18n.t("errors.csv.too_few_rows", name=path.name, rows=len(frame), least=MIN_ROWS))
    limits.check("dataset_rows", len(frame))
    return frame


def short(text) -> str:
    """A value as a sentence quotes it: cut to QUOTE_CHARS characters."""
    return shorten(text, QUOTE_CHARS)


def column_list(columns) -> str:
    names = [short(c) for c in list(columns)[:12]]
    return ", ".join(names) + (i18n.t("errors.csv.and_more", count=len(columns) - 12) if len(columns) > 12 else "")


def column_kind(series) -> str:
    """'numeric', 'categorical' or 'text'."""
    import pandas as pd

    values = series.dropna()
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    if len(values) and pd.to_numeric(values, errors="coerce").notna().all():
        return "numeric"  # numbers stored as text (a stray quote or space)
    return "categorical" if values.nunique() <= MAX_CATEGORIES else "text"


def infer_task(series) -> str:
    import pandas as pd

    if column_kind(series) != "numeric":
        return "classification"
    values = pd.to_numeric(series.dropna())
    whole = np.all(np.isclose(values, np.round(values)))
    return "classification" if whole and values.nunique() <= CLASS_LIKE_INTEGERS else "regression"


def describe(frame) -> list[dict]:
    """One row of basic statistics per column, for the preview."""
    import pandas as pd

    rows = []
    for name in frame.columns:
        series = frame[name]
        kind = column_kind(series)
        row = {"column": name, "kind": kind, "missing": int(series.isna().sum()), "distinct": int(series.nunique())}
        if kind == "numeric":
            values = pd.to_numeric(series, errors="coerce")
            row.update(mean=round(float(values.mean()), 4), std=round(float(values.std()), 4),
                       min=float(values.min()), max=float(values.max()))
        else:
            top = series.dropna().astype(str).value_counts().head(3)
            row["top values"] = ", ".join(f"{v} ({n})" for v, n in top.items())
        rows.append(row)
    return rows


def _columns(frame, features: list[str], train_rows: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(input name, float64 values for every row) per network input, one-hot categories expanded lazily:
    numeric gaps get the training median, categories a 'missing' value for gaps (values never seen in
    training are all zeros). Categories stay unexpanded, so the caller can count inputs before building any."""
    import pandas as pd

    planned = []
    for name in features:
        series = frame[name]
        kind = column_kind(series)
        if kind == "text":
            raise UserError(i18n.t("errors.csv.free_text", name=short(name), count=series.nunique()))
        if kind == "numeric":
            values = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
            if np.isnan(values[train_rows]).all():
                raise UserError(i18n.t("errors.csv.no_training_values", name=short(name)))
            planned.append((name, values, None))
        else:
            labels = series.astype(str).where(series.notna(), "missing").to_numpy()
            planned.append((name, labels, sorted(set(labels[train_rows]))))
    return planned


def _encode(frame, features: list[str], train_rows: np.ndarray):
    """Features -> standardized float32 matrix and input names, priced against the memory budget first."""
    planned = _columns(frame, features, train_rows)
    width = sum(1 if categories is None else len(categories) for _, _, categories in planned)
    size = len(frame) * width * budget.FLOAT32
    budget.check_dataset(size, i18n.t("errors.budget.rows_of_inputs", rows=len(frame), width=width))
    budget.check_room(size, current_session())
    matrix, names = np.empty((len(frame), width), dtype=np.float32), []
    for name, values, categories in planned:
        if categories is None:
            median = float(np.nanmedian(values[train_rows]))
            columns = [(name, np.where(np.isnan(values), median, values))]
        else:
            columns = ((f"{name}={c}", (values == c).astype(float)) for c in categories)
        for input_name, column in columns:
            mean, std = column[train_rows].mean(), column[train_rows].std()
            matrix[:, len(names)] = (column - mean) / (std if std > 0 else 1.0)
            names.append(input_name)
    return matrix, names


def _check_choices(frame, target, features, task) -> list[str]:
    """The target, features and task a caller sent, checked against the table; returns the features."""
    if not isinstance(target, str) or target not in frame.columns:
        raise UserError(i18n.t("errors.csv.no_target", target=short(target), columns=column_list(frame.columns)))
    if features is None or (isinstance(features, (list, tuple)) and not features):
        features = [c for c in frame.columns if c != target]
    if not isinstance(features, (list, tuple)) or not all(isinstance(f, str) for f in features):
        raise UserError(i18n.t("errors.csv.features_not_list"))
    unknown = [f for f in features if f not in frame.columns]
    if unknown:
        raise UserError(i18n.t("errors.csv.no_such_columns", names=', '.join(repr(short(f)) for f in unknown[:5]),
                               columns=column_list(frame.columns)))
    if target in features:
        raise UserError(i18n.t("errors.csv.target_is_feature", target=short(target)))
    if task not in TASK_CHOICES:
        raise UserError(i18n.t("errors.csv.bad_task", choices=', '.join(TASK_CHOICES), task=short(task)))
    return list(features)


def table_dataset(path, target: str, features: list[str] | None = None, task: str = "auto", *, frame=None):
    """Read, check and encode a CSV; returns (Splits, description). `features` default: every other column.
    `frame` is the table already read from `path` by `read_table`, when the caller kept it."""
    import pandas as pd

    frame = read_table(path) if frame is None else frame
    features = _check_choices(frame, target, features, task)
    dropped = int(frame[target].isna().sum())
    frame = frame[frame[target].notna()].reset_index(drop=True)
    if len(frame) < MIN_ROWS:
        raise UserError(i18n.t("errors.csv.few_target_rows", rows=len(frame), target=short(target), least=MIN_ROWS))
    task = infer_task(frame[target]) if task == "auto" else task
    if task == "regression":
        if column_kind(frame[target]) != "numeric":
            raise UserError(i18n.t("errors.csv.text_regression", target=short(target)))
        y, classes = pd.to_numeric(frame[target]).astype(float).to_numpy(), [target]
        parts = split_three(np.arange(len(frame)), y, stratify=False)
    else:
        labels = frame[target].astype(str)
        counts = labels.value_counts()
        if len(counts) < 2:
            raise UserError(i18n.t("errors.csv.single_value", target=short(target), value=short(counts.index[0])))
        if len(counts) > MAX_CLASSES:
            raise UserError(i18n.t("errors.csv.too_many_classes", target=short(target), count=len(counts),
                                   most=MAX_CLASSES))
        if counts.min() < MIN_PER_CLASS:
            raise UserError(i18n.t("errors.csv.small_class", label=short(counts.idxmin()), target=short(target),
                                   rows=counts.min(), least=MIN_PER_CLASS))
        classes = sorted(counts.index, key=_natural)
        y = labels.map({c: i for i, c in enumerate(classes)}).to_numpy()
        parts = split_three(np.arange(len(frame)), y)
    rows = {k: parts[f"x_{k}"] for k in ("train", "val", "test")}
    x, names = _encode(frame, features, rows["train"])
    arrays = {**{f"x_{k}": x[r] for k, r in rows.items()}, **{f"y_{k}": y[r] for k, r in rows.items()},
              "classes": classes, "feature_names": names}
    name = upload_name(path, target, features, task)
    splits = to_splits(name, "tabular", arrays, task=task)
    what = f"{len(classes)}-class classification" if task == "classification" else "regression"
    left_out = f" ({dropped} without a {short(target)} left out)" if dropped else ""
    description = (f"Your table: {len(frame):,} rows{left_out}, {len(features)} feature columns → {len(names)} "
                   f"inputs; {what} of '{short(target)}'.")
    return splits, description


def _natural(value: str):
    """Numbers in numeric order, then text alphabetically."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)
