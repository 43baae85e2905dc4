"""The HTTP API (`eventscribe serve`): see docs/API.md and `create_app`."""

from .app import create_app

__all__ = ["create_app"]
