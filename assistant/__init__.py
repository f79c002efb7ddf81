"""chidao: a directive-search assistant for Vietnamese provincial government documents."""

__version__ = "0.1.0"
