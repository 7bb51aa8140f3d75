"""The GAN training loop, as a generator of events.

Each step updates the discriminator on one real batch against fresh fakes; every
`d_steps`-th step also updates the generator. The loop yields running losses a
few times per epoch, a picture of samples from fixed noise twice per epoch (the
same noise every time, so you watch one set of images take shape), the judge's
verdict on 1,000 samples about ten times per run, and one final DoneEvent. A
`stop` flag checked every step ends it early; the networks keep what they learnt.
"""

import math
import threading
import time

import torch

from playground import i18n, randomness
from playground.generative.events import GanEpochEvent, GanStepEvent, PictureEvent, QualityEvent
from playground.generative.gan import (GANConfig, discriminator_loss, generator_loss, gradient_penalty,
                                       score_summary, update_average)
from playground.generative.images import ImageData, image_grid
from playground.training.events import DoneEvent

STEP_EVENTS_PER_EPOCH = 4
PICTURES_PER_EPOCH = 2
QUALITY_CHECKS = 10
QUALITY_SAMPLES = 1000
GRID_COLUMNS, GRID_ROWS = 10, 8
FIXED_NOISE_SEED, QUALITY_SEED = 1234, 4321


@torch.no_grad()
def generate(generator, count: int, *, seed: int, labels: torch.Tensor | None = None,
             device: torch.device | str = "cpu") -> torch.Tensor:
    """`count` images in [0, 1] from the noise of `seed`; a conditional generator gets `labels` (default: cycling)."""
    noise = torch.randn(count, generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    return decode_noise(generator, noise, labels=labels, device=device)


@torch.no_grad()
def decode_noise(generator, noise: torch.Tensor, *, labels=None, device="cpu") -> torch.Tensor:
    if generator.conditional and labels is None:
        labels = torch.arange(len(noise)) % generator.num_classes
    was_training = generator.training
    generator.eval()
    images = generator(noise.to(device), None if labels is None else labels.to(device))
    generator.train(was_training)
    return ((images + 1.0) / 2.0).clamp(0.0, 1.0).cpu()


def judge_samples(generator, judge, *, device, count: int = QUALITY_SAMPLES) -> dict:
    """The judge's scores for `count` samples; conditional ones are asked for every class in turn."""
    labels = torch.arange(count) % generator.num_classes if generator.conditional else None
    images = generate(generator, count, seed=QUALITY_SEED, labels=labels, device=device)
    return judge.score(images, requested=labels)


def train_gan(generator, discriminator, data: ImageData, config: GANConfig, device: torch.device, judge,
              stop: threading.Event | None = None, averaged=None, random=None):
    """Train both networks in place on `data.x_train`, yielding events and one final DoneEvent.

    With `averaged` (a copy of the generator) and `config.ema` > 0, it tracks the running average of the
    generator's weights, and the pictures and scores come from it. `random` (randomness.generators) gives
    the noise, and the batch order from the same stream, in the order the loop has always drawn them
    (default: generators of `config.seed`).
    """
    random = random or randomness.generators(config.seed, device)
    started = time.perf_counter()
    generator.to(device).train()
    sampler = generator if averaged is None or config.ema == 0 else averaged.to(device)
    discriminator.to(device).train()
    real_images = (data.x_train * 2.0 - 1.0).to(device)  # tanh range
    real_labels = data.y_train.to(device)
    n = len(real_images)
    batch_size = min(config.batch_size, n)
    steps_per_epoch = n // batch_size  # drop the ragged last batch: batch norm dislikes tiny batches
    total_steps = config.epochs * steps_per_epoch
    betas = (config.beta1, config.beta2)
    optimizer_g = torch.optim.Adam(generator.parameters(), lr=config.g_lr, betas=betas)
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=config.d_lr, betas=betas)
    fixed_count = GRID_COLUMNS * GRID_ROWS
    fixed_labels = torch.arange(fixed_count) % data.num_classes if config.conditional else None
    log_every = max(1, steps_per_epoch // STEP_EVENTS_PER_EPOCH)
    picture_every = max(1, steps_per_epoch // PICTURES_PER_EPOCH)
    quality_every = max(1, config.epochs // QUALITY_CHECKS)
    status, message, epochs_run, step = "finished", i18n.t("training.done.finished"), 0, 0
    last_g_loss = torch.zeros((), device=device)

    def picture(epoch):
        images = generate(sampler, fixed_count, seed=FIXED_NOISE_SEED, labels=fixed_labels, device=device)
        return PictureEvent("samples", epoch, step, image_grid(images, GRID_COLUMNS))

    for epoch in range(1, config.epochs + 1):
        order = torch.randperm(n, generator=random.noise, device=random.noise.device).to(device)
        sums = torch.zeros(4, device=device)  # g_loss, d_loss, d_real, d_fake since the last step event
        epoch_sums, logged, epoch_logged = torch.zeros(4, device=device), 0, 0
        for index in range(steps_per_epoch):
            if stop is not None and stop.is_set():
                status, message = "stopped", i18n.t("gan.done.stopped", epoch=epoch)
                break
            batch = order[index * batch_size:(index + 1) * batch_size]
            real, labels = real_images[batch], real_labels[batch] if config.conditional else None
            update_g = (step + 1) % config.d_steps == 0
            noise = torch.randn(len(batch), config.latent_dim, device=device, generator=random.noise)
            with torch.set_grad_enabled(update_g):
                fake = generator(noise, labels)
            real_scores, fake_scores = discriminator(real, labels), discriminator(fake.detach(), labels)
            d_loss = discriminator_loss(config, real_scores, fake_scores)
            if config.loss == "wgan-gp" and config.gp_weight > 0:
                d_loss = d_loss + config.gp_weight * gradient_penalty(discriminator, real, fake.detach(), labels,
                                                                          generator=random.noise)
            optimizer_d.zero_grad(set_to_none=True)
            d_loss.backward()
            optimizer_d.step()
            if update_g:
                g_loss = generator_loss(config, discriminator(fake, labels))
                optimizer_g.zero_grad(set_to_none=True)
                g_loss.backward()
                optimizer_g.step()
                last_g_loss = g_loss.detach()
                if sampler is not generator:  # the warm-up lets the average forget the random start quickly
                    update_average(sampler, generator, min(config.ema, (1 + step) / (10 + step)))
            step += 1
            row = torch.stack([last_g_loss, d_loss.detach(), score_summary(config, real_scores),
                               score_summary(config, fake_scores)])
            sums += row
            epoch_sums += row
            logged += 1
            epoch_logged += 1
            if step % log_every == 0 or index == steps_per_epoch - 1:
                g, d, d_real, d_fake = (sums / logged).tolist()
                sums.zero_()
                logged = 0
                if not (math.isfinite(g) and math.isfinite(d)):
                    status = "diverged"
                    message = i18n.t("gan.done.nan", epoch=epoch)
                    break
                yield GanStepEvent(epoch=epoch, step=step, total_steps=total_steps, g_loss=g, d_loss=d,
                                   d_real=d_real, d_fake=d_fake)
            if step % picture_every == 0:
                yield picture(epoch)
        if status != "finished" or epoch_logged == 0:
            break
        epochs_run = epoch
        g, d, d_real, d_fake = (epoch_sums / epoch_logged).tolist()
        yield GanEpochEvent(epoch=epoch, epochs=config.epochs, g_loss=g, d_loss=d, d_real=d_real, d_fake=d_fake,
                            seconds=time.perf_counter() - started)
        if epoch % quality_every == 0 and epoch < config.epochs:
            yield QualityEvent(epoch=epoch, step=step, **judge_samples(sampler, judge, device=device))

    yield picture(epochs_run)
    final = judge_samples(sampler, judge, device=device) if status != "diverged" else {}
    if final:
        yield QualityEvent(epoch=epochs_run, step=step, **final)
    metrics = {**final, "judge_test_accuracy": judge.test_accuracy}
    yield DoneEvent(status=status, message=message, epochs_run=epochs_run, seconds=time.perf_counter() - started,
                    device=str(device), metrics=metrics)
