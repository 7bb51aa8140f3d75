"""Bundled datasets, registered by name. Importing this package registers them all."""

from playground.data.registry import DATASETS, Dataset, Splits, dataset_names, get_dataset, load_dataset
from playground.data import tabular, images, sequences, regression  # noqa: F401  (registers the datasets)

__all__ = ["DATASETS", "Dataset", "Splits", "dataset_names", "get_dataset", "load_dataset"]
