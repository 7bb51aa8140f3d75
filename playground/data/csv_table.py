"""Your own table: a CSV file -> a look at its columns -> a classification or regression dataset.

Columns are numeric (numbers, possibly with gaps), categorical (a few distinct
values: text, yes/no, codes) or text (too many distinct values to be a
category: names, IDs, free text), which is refused as a feature with a
sentence. The task follows the target: categories or a handful of whole
numbers mean classification, other numbers regression; it can be overridden.
Rows are split first, and every statistic (medians for gaps, categories,
scaling) is learnt from the training rows only.
"""

import numpy as np

from playground import limits
from playground.data.registry import split_three, to_splits
from playground.data.uploads import check_upload, upload_name
from playground.errors import UserError

MAX_CATEGORIES = 50  # a feature with more distinct text values is free text or an ID
MAX_CLASSES = 50
MIN_ROWS, MIN_PER_CLASS = 20, 5
CLASS_LIKE_INTEGERS = 10  # a whole-number target with at most this many values is taken as classes
TASK_CHOICES = ("auto", "classification", "regression")


def read_table(path):
    """The CSV as a DataFrame (the separator is sniffed), refused with a sentence when it can't be a dataset."""
    import pandas as pd

    path = check_upload(path, (".csv", ".tsv", ".txt"), "CSV file")
    try:
        frame = pd.read_csv(path, sep=None, engine="python", skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"Can't read '{path.name}' as a CSV table ({reason[:120]}).") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.shape[1] < 2:
        raise UserError(f"'{path.name}' has {frame.shape[1]} column; a dataset needs a target and at least one "
                        "feature (is the separator a comma, semicolon or tab?).")
    if frame.columns.duplicated().any():
        raise UserError(f"'{path.name}' has two columns named '{frame.columns[frame.columns.duplicated()][0]}'.")
    if len(frame) < MIN_ROWS:
        raise UserError(f"'{path.name}' has {len(frame)} rows; at least {MIN_ROWS} are needed to train and test.")
    limits.check("dataset_rows", len(frame))
    return frame


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


def _encode(frame, features: list[str], train_rows: np.ndarray):
    """Features -> float matrix: numeric gaps get the training median, categories become one-hot columns
    (a 'missing' category for gaps; values never seen in training are all zeros); then standardized."""
    import pandas as pd

    columns, names = [], []
    for name in features:
        series = frame[name]
        kind = column_kind(series)
        if kind == "text":
            raise UserError(f"Column '{name}' has {series.nunique():,} different text values: it looks like free "
                            "text or an ID, which a network can't use as a number; leave it out of the features.")
        if kind == "numeric":
            values = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
            train_values = values[train_rows]
            if np.isnan(train_values).all():
                raise UserError(f"Column '{name}' has no values in the training rows; leave it out.")
            median = float(np.nanmedian(train_values))
            columns.append(np.where(np.isnan(values), median, values)[:, None])
            names.append(name)
        else:
            labels = series.astype(str).where(series.notna(), "missing").to_numpy()
            for category in sorted(set(labels[train_rows])):
                columns.append((labels == category).astype(float)[:, None])
                names.append(f"{name}={category}")
    matrix = np.hstack(columns)
    mean, std = matrix[train_rows].mean(0), matrix[train_rows].std(0)
    return (matrix - mean) / np.where(std > 0, std, 1.0), names


def table_dataset(path, target: str, features: list[str] | None = None, task: str = "auto"):
    """Read, check and encode a CSV; returns (Splits, description). `features` default: every other column."""
    import pandas as pd

    frame = read_table(path)
    if target not in frame.columns:
        raise UserError(f"There is no column '{target}' to predict; the columns are {', '.join(frame.columns)}.")
    features = [f for f in (features or [c for c in frame.columns if c != target])]
    unknown = [f for f in features if f not in frame.columns]
    if unknown:
        raise UserError(f"There is no column {', '.join(map(repr, unknown))}; the columns are "
                        f"{', '.join(frame.columns)}.")
    if target in features:
        raise UserError(f"'{target}' is the target, so it can't also be a feature.")
    if not features:
        raise UserError("Choose at least one feature column.")
    if task not in TASK_CHOICES:
        raise UserError(f"Task must be one of {', '.join(TASK_CHOICES)}; got '{task}'.")
    dropped = int(frame[target].isna().sum())
    frame = frame[frame[target].notna()].reset_index(drop=True)
    if len(frame) < MIN_ROWS:
        raise UserError(f"Only {len(frame)} rows have a value for '{target}'; at least {MIN_ROWS} are needed.")
    task = infer_task(frame[target]) if task == "auto" else task
    if task == "regression":
        if column_kind(frame[target]) != "numeric":
            raise UserError(f"'{target}' holds text, so it can't be a regression target: choose classification.")
        y, classes = pd.to_numeric(frame[target]).astype(float).to_numpy(), [target]
        parts = split_three(np.arange(len(frame)), y, stratify=False)
    else:
        labels = frame[target].astype(str)
        counts = labels.value_counts()
        if len(counts) < 2:
            raise UserError(f"'{target}' has a single value, '{counts.index[0]}': there is nothing to classify.")
        if len(counts) > MAX_CLASSES:
            raise UserError(f"'{target}' has {len(counts)} different values, too many classes (at most "
                            f"{MAX_CLASSES}); if it is a measurement, choose regression.")
        if counts.min() < MIN_PER_CLASS:
            raise UserError(f"Class '{counts.idxmin()}' of '{target}' has only {counts.min()} rows; every class "
                            f"needs at least {MIN_PER_CLASS}.")
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
    description = (f"Your table: {len(frame):,} rows{f' ({dropped} without a {target} left out)' if dropped else ''}, "
                   f"{len(features)} feature columns → {len(names)} inputs; {what} of '{target}'.")
    return splits, description


def _natural(value: str):
    """Numbers in numeric order, then text alphabetically."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)
