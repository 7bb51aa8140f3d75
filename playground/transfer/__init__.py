"""Transfer learning: pretrain on a source task, learn a target task from K examples per class, four ways."""

from playground.transfer.config import STRATEGY_NAMES, TransferConfig
from playground.transfer.run import ResultEvent, TaggedEvent, TransferExperiment

__all__ = ["STRATEGY_NAMES", "ResultEvent", "TaggedEvent", "TransferConfig", "TransferExperiment"]
