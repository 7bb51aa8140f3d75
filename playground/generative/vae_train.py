"""The VAE / autoencoder training loop, as a generator of events, plus the held-out measurements.

Per step: reconstruction + beta * KL on one batch. A few times per epoch the
running losses; every epoch the validation losses, originals above their
reconstructions, and the test set's latent means (projected to 2-D by PCA when
the code is larger) for the scatter plot. At the end: test reconstruction MSE
next to the mean-image baseline, test KL, and the accuracy of a 5-nearest-
neighbour classifier on the latent means (fit on train, scored on test), which
says how well the code separates the classes without ever seeing a label.
"""

import math
import threading
import time

import numpy as np
import torch

from playground import i18n
from playground.generative.events import LatentEvent, PictureEvent, VaeEpochEvent, VaeStepEvent
from playground.generative.images import ImageData, image_grid
from playground.generative.vae import VAEConfig, kl_divergence, reconstruction_loss
from playground.training.events import DoneEvent

STEP_EVENTS_PER_EPOCH = 4
SHOWN_RECONSTRUCTIONS = 10
KNN_NEIGHBOURS = 5


@torch.no_grad()
def encode_means(model, images: torch.Tensor, device, batch_size: int = 512) -> torch.Tensor:
    was_training = model.training
    model.eval()
    means = torch.cat([model.encode(images[i:i + batch_size].to(device))[0].cpu()
                       for i in range(0, len(images), batch_size)])
    model.train(was_training)
    return means


@torch.no_grad()
def decode(model, codes: torch.Tensor, device) -> torch.Tensor:
    """Codes -> images in [0, 1] on the CPU."""
    was_training = model.training
    model.eval()
    images = torch.sigmoid(model.decode(codes.to(device))).cpu()
    model.train(was_training)
    return images


def project_2d(codes: np.ndarray) -> tuple[np.ndarray, bool]:
    """The codes as 2-D points: as they are for 2-D, on a line for 1-D, the top two PCA axes beyond."""
    if codes.shape[1] == 2:
        return codes, False
    if codes.shape[1] == 1:
        return np.concatenate([codes, np.zeros_like(codes)], axis=1), False
    from sklearn.decomposition import PCA

    return PCA(n_components=2, random_state=0).fit_transform(codes), True


@torch.no_grad()
def evaluate(model, images: torch.Tensor, device, batch_size: int = 512) -> dict:
    """Per-image reconstruction BCE and KL, and per-pixel MSE of the mean-code reconstruction."""
    was_training = model.training
    model.eval()
    recon = kl = squared = 0.0
    for i in range(0, len(images), batch_size):
        batch = images[i:i + batch_size].to(device)
        logits, mean, log_variance = model(batch)
        recon += reconstruction_loss(logits, batch).item() * len(batch)
        kl += kl_divergence(mean, log_variance).item() * len(batch)
        squared += (torch.sigmoid(logits) - batch).pow(2).sum().item()
    model.train(was_training)
    n = len(images)
    return {"recon": recon / n, "kl": kl / n, "mse": squared / images[0].numel() / n}


def reconstruction_picture(model, originals: torch.Tensor, device) -> np.ndarray:
    """Originals on the top row, their reconstructions (from the mean code) below."""
    rebuilt = decode(model, encode_means(model, originals, device), device)
    return image_grid(torch.cat([originals, rebuilt]), len(originals))


def latent_knn_accuracy(train_codes, train_labels, test_codes, test_labels) -> float:
    from sklearn.neighbors import KNeighborsClassifier

    knn = KNeighborsClassifier(n_neighbors=KNN_NEIGHBOURS).fit(train_codes, train_labels)
    return float(knn.score(test_codes, test_labels))


def train_vae(model, data: ImageData, config: VAEConfig, device: torch.device,
              stop: threading.Event | None = None, shuffle: torch.Generator | None = None):
    """Train `model` in place on `data.x_train`, yielding events and one final DoneEvent.

    `shuffle` orders the batches (default: a generator seeded with `config.seed`); the reparameterisation
    noise comes from `model.noise`.
    """
    shuffle = shuffle or torch.Generator().manual_seed(config.seed)
    started = time.perf_counter()
    model.to(device).train()
    x_train = data.x_train.to(device)
    n = len(x_train)
    batch_size = min(config.batch_size, n)
    steps_per_epoch = math.ceil(n / batch_size)
    total_steps = config.epochs * steps_per_epoch
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    log_every = max(1, steps_per_epoch // STEP_EVENTS_PER_EPOCH)
    shown = data.x_test[:SHOWN_RECONSTRUCTIONS]
    status, message, epochs_run, step = "finished", i18n.t("training.done.finished"), 0, 0

    for epoch in range(1, config.epochs + 1):
        order = torch.randperm(n, generator=shuffle).to(device)
        sums, epoch_sums, logged, seen = torch.zeros(3, device=device), torch.zeros(3, device=device), 0, 0
        for index in range(steps_per_epoch):
            if stop is not None and stop.is_set():
                status, message = "stopped", i18n.t("training.done.stopped", epoch=epoch)
                break
            batch = x_train[order[index * batch_size:(index + 1) * batch_size]]
            logits, mean, log_variance = model(batch)
            recon, kl = reconstruction_loss(logits, batch), kl_divergence(mean, log_variance)
            loss = recon + config.beta * kl
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            row = torch.stack([loss.detach(), recon.detach(), kl.detach()])
            sums += row
            epoch_sums += row * len(batch)
            logged += 1
            seen += len(batch)
            if step % log_every == 0 or index == steps_per_epoch - 1:
                loss_now, recon_now, kl_now = (sums / logged).tolist()
                sums.zero_()
                logged = 0
                if not math.isfinite(loss_now):
                    status = "diverged"
                    message = i18n.t("vae.done.nan", epoch=epoch)
                    break
                yield VaeStepEvent(epoch=epoch, step=step, total_steps=total_steps, loss=loss_now, recon=recon_now,
                                   kl=kl_now)
        if status != "finished" or seen == 0:
            break
        epochs_run = epoch
        train_loss, train_recon, train_kl = (epoch_sums / seen).tolist()
        val = evaluate(model, data.x_val, device)
        yield VaeEpochEvent(epoch=epoch, epochs=config.epochs, train_loss=train_loss, train_recon=train_recon,
                            train_kl=train_kl, val_loss=val["recon"] + config.beta * val["kl"], val_recon=val["recon"],
                            val_kl=val["kl"], seconds=time.perf_counter() - started)
        yield PictureEvent("reconstructions", epoch, step, reconstruction_picture(model, shown, device))
        points, projected = project_2d(encode_means(model, data.x_test, device).numpy())
        yield LatentEvent(epoch=epoch, points=points, labels=data.y_test.numpy(), projected=projected)

    yield DoneEvent(status=status, message=message, epochs_run=epochs_run, seconds=time.perf_counter() - started,
                    device=str(device), metrics=test_metrics(model, data, device) if status != "diverged" else {})


def test_metrics(model, data: ImageData, device) -> dict:
    test = evaluate(model, data.x_test, device)
    baseline = (data.x_test - data.x_train.mean(dim=0)).pow(2).mean().item()
    train_codes = encode_means(model, data.x_train, device).numpy()
    test_codes = encode_means(model, data.x_test, device).numpy()
    return {"test_recon_mse": test["mse"], "baseline_mse": baseline, "test_recon_bce": test["recon"],
            "test_kl": test["kl"] if model.variational else None,
            "latent_knn_accuracy": latent_knn_accuracy(train_codes, data.y_train.numpy(), test_codes,
                                                       data.y_test.numpy())}
