"""Security building blocks with no web or database in them: hashing, tokens, roles, throttling."""
