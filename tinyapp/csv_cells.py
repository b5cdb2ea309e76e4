"""CSV cells that a spreadsheet cannot run, and that the import reads back unchanged.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is a
formula to Excel and LibreOffice: a product named ``=HYPERLINK("http://evil",...)``
would become a link, or worse, in the office's spreadsheet. OWASP's rule is to put a
single quote in front of such a cell, which spreadsheets show as text. A cell that
already starts with a quote gets one more, so the import can always take exactly one
leading quote off and get back what was exported.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_cell(value) -> str:
    """Write a value as CSV text no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith((*FORMULA_STARTS, "'")):
        return "'" + text
    return text


def from_cell(text: str) -> str:
    """Read a cell written by to_cell back as the original text."""
    return text[1:] if text.startswith("'") else text
