"""Text generation: causal language models, streamed token by token, with what the model 'thought'.

`loading` fetches a model and tokenizer once (Hub id or local folder),
`generate` streams a continuation as events with each token's probability and
its top next-token candidates, `tokens` shows how a prompt is cut into tokens,
and `tiny_gpt` trains a small GPT-2 from scratch on text that needs no download.
No gradio here; `playground/ui/text_tab.py` draws all of it.
"""
