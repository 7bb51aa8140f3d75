"""What the model thought at each step: the probability of the token that came out, and its top candidates.

`ProbabilityRecorder` is a logits processor that generation runs *first*, so it
sees the model's own next-token scores before any repetition penalty,
temperature, top-k or top-p touches them: the numbers shown are the model's
beliefs, not the sampler's reshaped ones. `sequence_probabilities` computes the
same numbers from one forward pass over finished sequences, for beam search
(which can't stream) and as a cross-check.
"""

from collections import deque

import torch

from playground.libraries import import_transformers

import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
from transformers import LogitsProcessor  # noqa: E402


class ProbabilityRecorder(LogitsProcessor):
    """Keeps each step's log-probabilities until the streamer learns which tokens were picked."""

    def __init__(self, top_k: int):
        self.top_k = top_k
        # a queue, not a slot: on some devices the streamer hears about a step one step late
        self.pending: deque = deque()

    def __call__(self, input_ids, scores):
        self.pending.append(torch.log_softmax(scores.float(), dim=-1))
        return scores

    def pop_step(self, chosen: torch.Tensor) -> list[dict]:
        """One record per sequence for the step whose tokens are `chosen` (one id per sequence)."""
        return step_records(self.pending.popleft(), chosen, self.top_k)


def step_records(log_probs: torch.Tensor, chosen: torch.Tensor, top_k: int) -> list[dict]:
    """log_probs (rows, vocab), chosen (rows,) -> [{"id", "probability", "candidates": [(id, p), ...]}]."""
    chosen = chosen.to(log_probs.device).view(-1, 1)
    probabilities = log_probs.gather(1, chosen).exp().squeeze(1).tolist()
    top = log_probs.topk(min(top_k, log_probs.shape[-1]), dim=-1)
    top_probs, top_ids = top.values.exp().tolist(), top.indices.tolist()
    return [{"id": token_id, "probability": p, "candidates": list(zip(ids, probs))}
            for token_id, p, ids, probs in zip(chosen.view(-1).tolist(), probabilities, top_ids, top_probs)]


@torch.no_grad()
def sequence_probabilities(model, sequences: torch.Tensor, prompt_length: int, top_k: int) -> list[list[dict]]:
    """For each finished sequence, one record per token after the prompt, from a single forward pass."""
    logits = model(sequences).logits[:, prompt_length - 1:-1]
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    return [step_records(log_probs[row], sequences[row, prompt_length:], top_k) for row in range(sequences.shape[0])]
