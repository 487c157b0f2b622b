"""thamquyen — the knowledge graph of who holds which state power, where, when and why."""

__version__ = "0.1.0"
