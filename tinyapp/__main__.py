"""``python -m tinyapp`` runs the tinyapp command."""

import sys

from tinyapp.cli import main

sys.exit(main())
