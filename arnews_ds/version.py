"""The dataset's semantic version: the one place it is written (Hub tag, card, manifest read it from here)."""
__version__ = "1.0.0"
