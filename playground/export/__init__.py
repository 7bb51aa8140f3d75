"""Take it home: a trained run as one standalone PyTorch script plus its weights (see script.py)."""
