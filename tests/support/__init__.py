"""Helpers the tests share: scratch databases, a TCP fault injector, a live server."""
