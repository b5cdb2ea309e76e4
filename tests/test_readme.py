"""The README is the contract with new users: it must stay true."""

from pathlib import Path

from tinyapp.config import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_readme_documents_every_setting():
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in README]
    assert missing == []


def test_the_readme_names_the_two_commands():
    assert "python run.py" in README
    assert "python -m pytest" in README
