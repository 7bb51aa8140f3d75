"""Training: one generic loop that yields events (see events.py), held-out metrics (checked against sklearn), and runs."""
