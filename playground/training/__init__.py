"""Training: one generic loop that yields events (see events.py), metrics from sklearn, and runs."""
