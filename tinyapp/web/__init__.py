"""The HTTP side of tinyapp: the JSON API, the pages, and what wraps every request."""
