"""Architectures, registered by name (see registry.py)."""

from playground.models.registry import ARCHITECTURES, Architecture, build_model, compatible_architectures

__all__ = ["ARCHITECTURES", "Architecture", "build_model", "compatible_architectures"]
