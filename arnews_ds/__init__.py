"""arnews_ds: an Arabic news dataset and benchmark (topic, headline, retrieval)."""
from .version import __version__


def load(config: str = "topic", revision: str | None = None, **kwargs):
    """Load one config (see `loading.load`); imported lazily so `import arnews_ds` stays light."""
    from .loading import load as _load

    return _load(config, revision=revision, **kwargs)


__all__ = ["__version__", "load"]
