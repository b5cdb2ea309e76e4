"""Start tinyapp on http://127.0.0.1:8080 with SQLite in data/: ``python run.py``.

Every flag of ``tinyapp serve`` works here too, e.g. ``python run.py --port 9000 --open``.
"""

import sys

from tinyapp.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
