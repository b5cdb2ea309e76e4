"""tinyapp: a small-team inventory and orders web app that teaches database integration."""

__version__ = "1.0.0"


def create_app(settings):
    """Build the WSGI application (see tinyapp/web/app.py)."""
    from tinyapp.web.app import create_app as build

    return build(settings)
