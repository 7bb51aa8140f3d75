"""transformers imported from several threads at once on a fresh process: every thread gets what it asked for.

Its first import is not thread-safe (two visitors starting their first tiny GPT together got ImportError),
so a fresh interpreter is the only honest place to test it.
"""

import subprocess
import sys
import textwrap

RACE = textwrap.dedent("""
    import threading
    from playground.text.tiny_gpt import TinyGPTConfig, build_model, train_tokenizer

    errors = []

    def tiny_gpt():
        try:
            tokenizer = train_tokenizer("some text to learn from\\n\\nand some more", TinyGPTConfig(tokenizer="char"))
            build_model(tokenizer, TinyGPTConfig(tokenizer="char", embedding_size=16, heads=2, layers=1))
        except Exception as error:
            errors.append(repr(error))

    def probabilities():
        try:
            from playground.text import probabilities  # noqa: F401  (imports from transformers at import)
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=f) for f in (tiny_gpt, probabilities, tiny_gpt, probabilities)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("errors:", errors)
""")


def test_first_transformers_imports_from_four_threads_at_once_all_succeed():
    done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "errors: []" in done.stdout, done.stdout[-2000:]
