"""Render a page from web/templates with Bottle's SimpleTemplate (HTML-escaped by default)."""

from pathlib import Path

import bottle

TEMPLATES = Path(__file__).parent / "templates"


def render(name: str, **context) -> str:
    """Render templates/<name> with context; every {{value}} is escaped."""
    return bottle.template(name, template_lookup=[str(TEMPLATES)], **context)
