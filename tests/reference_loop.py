"""The plain PyTorch loop our trainer is measured against: DataLoader, shuffle, Adam, evaluate.

Written the way a tutorial writes it, on purpose. Used by the quality tests and the benchmarks.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def plain_train(model: nn.Module, splits, *, epochs: int, lr: float, batch_size: int, seed: int = 0) -> float:
    """Train `model` with a DataLoader loop; returns its test accuracy."""
    torch.manual_seed(seed)
    loader = DataLoader(TensorDataset(splits.x_train, splits.y_train), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        return (model(splits.x_test).argmax(1) == splits.y_test).float().mean().item()
