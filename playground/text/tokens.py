"""How text becomes tokens and tokens become text again.

`prompt_tokens` shows the pieces a prompt is cut into, with their ids.
`IncrementalDecoder` turns generated ids into text one token at a time such
that the pieces always add up to the decoded text: a token holding half of a
multi-byte character gets an empty piece and the token that completes it gets
the whole character.
"""

REPLACEMENT = "\ufffd"  # what a decoder prints for half a UTF-8 character


def prompt_tokens(tokenizer, prompt: str) -> list[dict]:
    """[{"piece", "id", "token"}] for each token of the prompt, encoded the way generation encodes it."""
    ids = tokenizer(prompt)["input_ids"]
    decoder = IncrementalDecoder(tokenizer, skip_special_tokens=False)
    pieces = [decoder.add(token_id) for token_id in ids]
    if pieces:
        pieces[-1] += decoder.finish()
    raw = tokenizer.convert_ids_to_tokens(ids)
    return [{"piece": piece, "id": token_id, "token": token} for piece, token_id, token in zip(pieces, ids, raw)]


class IncrementalDecoder:
    """Feed ids one by one; each call returns the new text that id adds."""

    def __init__(self, tokenizer, *, skip_special_tokens: bool = True):
        self.tokenizer = tokenizer
        self.skip_special_tokens = skip_special_tokens
        self.ids: list[int] = []
        self.text = ""

    def add(self, token_id: int) -> str:
        self.ids.append(int(token_id))
        # decoding everything again is quadratic, but a few hundred tokens decode in well under a millisecond
        text = self._decode().rstrip(REPLACEMENT)
        piece = text[len(self.text):] if text.startswith(self.text) else text[_common_prefix(text, self.text):]
        self.text = text
        return piece

    def finish(self) -> str:
        """Whatever was held back at the end (an unfinished character prints as the replacement mark)."""
        text = self._decode()
        piece = text[len(self.text):] if text.startswith(self.text) else ""
        self.text = text
        return piece

    def _decode(self) -> str:
        return self.tokenizer.decode(self.ids, skip_special_tokens=self.skip_special_tokens)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
