"""A tiny Wav2Vec2ForCTC with a character vocabulary, saved to a folder: a stand-in for wav2vec2-base offline.

Same layout as the real model (feature encoder with 320 samples per frame,
transformer, CTC head over letters with "|" between words and "<pad>" as the
blank), only far smaller, and with random weights. The head's weights are
scaled up, the special tokens silenced and the word break favoured a little,
so the greedy output is several words of letters (tests assert it is): we
compare our decoding with transformers' pipeline, and comparing two empty
strings would prove nothing.
"""

import json
from pathlib import Path

LETTERS = "abcdefghijklmnopqrstuvwxyz'"
VOCAB = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, **{c: i + 5 for i, c in enumerate(LETTERS)}}


def tiny_config(**overrides):
    from transformers import Wav2Vec2Config

    settings = dict(vocab_size=len(VOCAB), pad_token_id=0, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=37, conv_dim=(32, 32, 32, 32), conv_stride=(5, 4, 4, 4),
                    conv_kernel=(10, 4, 4, 4), num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2,
                    do_stable_layer_norm=True, feat_extract_norm="layer")
    settings.update(overrides)
    return Wav2Vec2Config(**settings)


def build_processor(folder: Path):
    """A character-level Wav2Vec2Processor, saved into `folder`."""
    from transformers import Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor, Wav2Vec2Processor

    folder.mkdir(parents=True, exist_ok=True)
    vocab_file = folder / "vocab.json"
    vocab_file.write_text(json.dumps(VOCAB))
    tokenizer = Wav2Vec2CTCTokenizer(str(vocab_file), unk_token="<unk>", pad_token="<pad>", word_delimiter_token="|")
    extractor = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16_000, padding_value=0.0, do_normalize=True,
                                         return_attention_mask=True)
    processor = Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer)
    processor.save_pretrained(folder)
    return processor


def build_tiny_wav2vec2(folder, *, seed: int = 0, head_scale: float = 8.0, word_break_bias: float = 0.5) -> Path:
    """Save processor + model into `folder` and return it; loads back with `from_pretrained(folder)`."""
    import torch
    from transformers import Wav2Vec2ForCTC

    folder = Path(folder)
    build_processor(folder)
    torch.manual_seed(seed)
    model = Wav2Vec2ForCTC(tiny_config()).eval()
    with torch.no_grad():  # a sharper head: letters change from frame to frame instead of blank everywhere
        model.lm_head.weight.mul_(head_scale)
        model.lm_head.bias.zero_()
        model.lm_head.bias[VOCAB["|"]] = word_break_bias  # some word breaks, so transcripts have several words
        for special in ("<s>", "</s>", "<unk>"):
            model.lm_head.bias[VOCAB[special]] = -100.0  # letters only: readable transcripts
    model.save_pretrained(folder)
    return folder
