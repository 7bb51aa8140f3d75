"""The CLI subcommands, one module each (see playground/cli.py)."""
