"""Transfer learning: pretrain on a source task, learn a target task from K examples per class, four ways.

Import from the submodules (`config` is torch-free, `run` is not): this package imports nothing itself,
so the app can read `TransferConfig` at start-up without loading torch.
"""
