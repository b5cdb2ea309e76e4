"""marshmallow schemas: what comes in is validated here, what goes out is shaped here.

The API, the HTML forms and the CSV import load the same schemas, so a rule (a SKU
pattern, a quantity range) is written once and holds everywhere.
"""
