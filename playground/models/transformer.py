"""A small Transformer encoder for sequences and, ViT-style, for images.

Written out by hand (not nn.TransformerEncoderLayer) so every attention map is
returned exactly as the layer used it: `forward_with_attention` gives the
logits and, per layer, the (batch, heads, tokens, tokens) softmax weights that
multiplied the values. A sequence step or an image patch becomes a token
through one linear embedding; positions are added (learned or sinusoidal);
an extra [CLS] token, or the mean of all tokens, feeds the classifier.
Dropout (playground.randomness.Dropout: a run's own generator draws its masks)
acts after attention and inside the feed-forward net, never on the attention
weights themselves, so the maps you see are the maps that were used.
"""

import math

import torch
from torch import nn

from playground import i18n
from playground.errors import UserError
from playground.models.configs import TransformerConfig  # noqa: F401  (re-exported)
from playground.randomness import Dropout

MAX_AUTO_PATCHES = 16  # patch_size 0: the smallest patch that cuts the image into at most this many

# helpers


def pick_patch_size(height: int, width: int, patch_size: int) -> int:
    """The patch side for an image: the one asked for (checked), or with 0 the smallest giving <= 16 patches."""
    if patch_size == 0:
        divisors = [p for p in range(1, min(height, width) + 1) if height % p == 0 and width % p == 0]
        return next((p for p in divisors if (height // p) * (width // p) <= MAX_AUTO_PATCHES), divisors[-1])
    if height % patch_size or width % patch_size:
        raise UserError(i18n.t("errors.transformer.patch", patch=patch_size, height=height, width=width,
                               gcd=math.gcd(height, width)))
    return patch_size


def sinusoid_table(length: int, dim: int) -> torch.Tensor:
    """The fixed positional encoding of 'Attention Is All You Need': sines and cosines of falling frequency."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    frequency = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)[:, :dim // 2]
    return table


def to_patches(images: torch.Tensor, patch: int) -> torch.Tensor:
    """(batch, C, H, W) -> (batch, patches, C*patch*patch), patches in reading order (left to right, top down)."""
    batch, channels = images.shape[:2]
    tiles = images.unfold(2, patch, patch).unfold(3, patch, patch)  # (batch, C, rows, cols, patch, patch)
    return tiles.permute(0, 2, 3, 1, 4, 5).reshape(batch, tiles.shape[2] * tiles.shape[3], -1)


# classes


class ClassToken(nn.Module):
    """A learned [CLS] vector put in front of every sequence; the classifier reads what it gathered."""

    def __init__(self, *, dim: int):
        super().__init__()
        self.token = nn.Parameter(nn.init.normal_(torch.empty(1, 1, dim), std=0.02))

    def initialise(self, generator: torch.Generator) -> None:
        """Redrawn from a run's generator (playground.randomness), as the constructor draws it."""
        nn.init.normal_(self.token, std=0.02, generator=generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.token.expand(len(x), -1, -1), x], dim=1)


class PositionalEncoding(nn.Module):
    """Adds a vector per position: learned (one trainable row per position) or the fixed sinusoid table."""

    def __init__(self, *, length: int, dim: int, learned: bool):
        super().__init__()
        if learned:
            self.table = nn.Parameter(nn.init.normal_(torch.empty(length, dim), std=0.02))
        else:
            self.register_buffer("table", sinusoid_table(length, dim), persistent=False)

    def initialise(self, generator: torch.Generator) -> None:
        if isinstance(self.table, nn.Parameter):
            nn.init.normal_(self.table, std=0.02, generator=generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.table[:x.shape[1]]


class Attention(nn.Module):
    """Multi-head self-attention that hands back its softmax weights; `head_mask` (heads,) scales each head's
    output (0 switches a head off), which is how the tests check that the weights returned are those used."""

    def __init__(self, *, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.to_qkv = nn.Linear(dim, dim * 3)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, head_mask: torch.Tensor | None = None):
        batch, tokens, dim = x.shape
        q, k, v = (t.reshape(batch, tokens, self.heads, -1).transpose(1, 2) for t in self.to_qkv(x).chunk(3, -1))
        attention = torch.softmax(q @ k.transpose(-1, -2) * self.scale, dim=-1)  # (batch, heads, query, key)
        per_head = attention @ v
        if head_mask is not None:
            per_head = per_head * head_mask.reshape(1, -1, 1, 1)
        return self.to_out(per_head.transpose(1, 2).reshape(batch, tokens, dim)), attention


class FeedForward(nn.Module):
    def __init__(self, *, dim: int, hidden: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), Dropout(dropout), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class EncoderLayer(nn.Module):
    """Attention then feed-forward, each with a residual; LayerNorm before (pre-norm) or after (post-norm)."""

    def __init__(self, *, dim: int, heads: int, ff_dim: int, dropout: float, pre_norm: bool):
        super().__init__()
        self.pre_norm = pre_norm
        self.attention = Attention(dim=dim, heads=heads)
        self.feed_forward = FeedForward(dim=dim, hidden=ff_dim, dropout=dropout)
        self.attention_norm, self.feed_forward_norm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.dropout = Dropout(dropout)

    def forward(self, x: torch.Tensor, head_mask: torch.Tensor | None = None):
        if self.pre_norm:
            attended, attention = self.attention(self.attention_norm(x), head_mask)
            x = x + self.dropout(attended)
            return x + self.dropout(self.feed_forward(self.feed_forward_norm(x))), attention
        attended, attention = self.attention(x, head_mask)
        x = self.attention_norm(x + self.dropout(attended))
        return self.feed_forward_norm(x + self.dropout(self.feed_forward(x))), attention


class Transformer(nn.Module):
    """Sequences (N, steps, features) or images (N, C, H, W) -> class logits."""

    def __init__(self, *, input_shape: tuple, num_classes: int, config: TransformerConfig):
        super().__init__()
        if config.dim % config.heads:
            raise UserError(i18n.t("errors.transformer.heads", heads=config.heads, dim=config.dim))
        self.patch_size = None
        if len(input_shape) == 3:  # an image: ViT-style patches become the tokens
            channels, height, width = input_shape
            self.patch_size = pick_patch_size(height, width, config.patch_size)
            self.grid = (height // self.patch_size, width // self.patch_size)
            tokens, features = self.grid[0] * self.grid[1], channels * self.patch_size ** 2
        else:
            tokens, features = input_shape
        self.use_cls = config.readout == "cls"
        needed = tokens + self.use_cls
        if needed > config.max_positions:
            what = f"{tokens} patches" if self.patch_size else f"{tokens} steps"
            raise UserError(i18n.t("errors.transformer.positions", what=what, most=config.max_positions, needed=needed,
                                   cls=i18n.t("errors.transformer.plus_cls") if self.use_cls else "",
                                   patches=i18n.t("errors.transformer.or_larger_patches") if self.patch_size else ""))
        self.embed = nn.Linear(features, config.dim)
        self.cls = ClassToken(dim=config.dim) if self.use_cls else None
        self.positions = PositionalEncoding(length=config.max_positions, dim=config.dim,
                                            learned=config.positions == "learned")
        self.layers = nn.ModuleList([
            EncoderLayer(dim=config.dim, heads=config.heads, ff_dim=config.ff_dim, dropout=config.dropout,
                         pre_norm=config.norm == "pre") for _ in range(config.layers)])
        self.final_norm = nn.LayerNorm(config.dim) if config.norm == "pre" else nn.Identity()
        self.head = nn.Linear(config.dim, num_classes)

    def tokens(self, x: torch.Tensor) -> torch.Tensor:
        """The model's input as tokens (batch, tokens, features): the steps, or the patches of an image."""
        return to_patches(x, self.patch_size) if self.patch_size else x

    def forward_with_attention(self, x: torch.Tensor, head_masks: list | None = None):
        """(logits, [attention per layer: (batch, heads, tokens, tokens)]); token 0 is [CLS] when there is one."""
        h = self.embed(self.tokens(x))
        if self.cls is not None:
            h = self.cls(h)
        h = self.positions(h)
        maps = []
        for index, layer in enumerate(self.layers):
            h, attention = layer(h, None if head_masks is None else head_masks[index])
            maps.append(attention)
        h = self.final_norm(h)
        pooled = h[:, 0] if self.cls is not None else h.mean(dim=1)
        return self.head(pooled), maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_attention(x)[0]
