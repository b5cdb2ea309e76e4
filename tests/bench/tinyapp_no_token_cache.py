"""`tinyapp serve` with its API-token cache off too, so every request looks its token up.

tinyapp keeps a bearer token and its user in its cache (services/accounts.find_token,
TOKEN_CACHE_SECONDS, 60 s) even with --no-cache-lists, whereas the peers and the bare
baseline of bench_peers.py look the token up in the database on every request. This
runs tinyapp with that cache's lifetime at 0 (entries are still written, never read
back), for a like-for-like row beside them. Nothing in tinyapp/ is changed.
Run: python tinyapp_no_token_cache.py SERVE_ARGUMENTS...
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tinyapp import cli  # noqa: E402
from tinyapp.services import accounts  # noqa: E402

if __name__ == "__main__":
    accounts.TOKEN_CACHE_SECONDS = 0
    sys.exit(cli.main(["serve", *sys.argv[1:]]))
