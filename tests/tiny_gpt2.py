"""Build a tiny GPT-2 and its tokenizer into a folder, offline, for tests.

A byte-level BPE learned on a few sentences (about 48 tokens, so a list of
"top 50 candidates" holds the whole vocabulary) and a randomly initialised
`GPT2LMHeadModel` from a small `GPT2Config`, saved with `save_pretrained`, so a
test loads it through the same `from_pretrained` path as a Hub model. Prompts
should use the letters of CORPUS (others are dropped by the tokenizer).
"""

from pathlib import Path

CORPUS = [
    "the quick brown fox jumps over the lazy dog.",
    "a cat sat on the mat and the dog ran off.",
    "she sells sea shells by the sea shore, then goes home.",
    "we will walk to the park when it is warm.",
] * 20


def build_tiny_gpt2(folder, *, vocab_size: int = 48, n_positions: int = 64, width: int = 32, layers: int = 2,
                    seed: int = 0) -> Path:
    """Write a tiny GPT-2 (2 layers, 32 wide unless told) and its tokenizer to `folder`; returns the folder."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<|endoftext|>"],
                                                            show_progress=False))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<|endoftext|>",
                                        eos_token="<|endoftext|>")
    eos = tokenizer.eos_token_id
    config = GPT2Config(n_embd=width, n_layer=layers, n_head=2, n_positions=n_positions, vocab_size=len(tokenizer),
                        bos_token_id=eos, eos_token_id=eos,
                        initializer_range=0.3)  # larger random weights: peaked, varied next-token probabilities
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config)
    folder = Path(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
