"""soev-search: Danish full-text and faceted search over documents about social economy."""

__version__ = "0.1.0"
