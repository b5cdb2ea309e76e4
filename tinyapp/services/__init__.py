"""The only code that writes to the database.

Each public function is one transaction (``@transactional``): it validates what the
schemas cannot (does that customer exist? is there enough stock?), writes, and either
commits everything or raises and leaves nothing behind. Services speak models and plain
values, never HTTP: the API, the pages, the CSV import and the CLI all call them.
"""
