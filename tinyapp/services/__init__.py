"""The only code that writes to the database.

Each public function that writes is one unit of work (``@unit_of_work``, see
tinyapp/unit_of_work.py): it validates what the schemas cannot (does that customer
exist? is there enough stock?), writes, records what it changed in the change journal,
and either commits everything or raises and leaves nothing behind. Services speak
models and plain values, never HTTP: the API, the pages, the CSV import and the CLI
all call them.
"""
