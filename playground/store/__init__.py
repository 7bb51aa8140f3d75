"""The run store: every finished run, kept in a database so it outlives the app (db.py: where, runs.py: what)."""
