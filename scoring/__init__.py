"""Source Selection Workbench: the scoring engine (no UI code here)."""

__version__ = "0.1.0"
