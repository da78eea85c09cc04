"""arnews_ds: an Arabic news dataset and benchmark (topic, headline, retrieval)."""
from .version import __version__

__all__ = ["__version__"]
