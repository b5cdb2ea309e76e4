"""Backups of a large SQLite database: `tinyapp backup` against `sqlite3 .backup`, and memory.

    python tests/bench/bench_backup.py [--workdir DIR] [--rounds 3]

Builds a database with `tinyapp demo --size large` (100,000 products, about 1,000,000
order lines; 2-3 minutes) in DIR/data, or reuses the one already there: pass the same
--workdir again to skip the build (default: a temporary folder, removed afterwards).
Then, alternating in the same run so both see the same machine and page cache:

- `sqlite3 SRC ".backup DEST"` (Debian's sqlite3 CLI; `apt-get install sqlite3`): the baseline;
- `tinyapp backup`, the command as users run it (interpreter start-up included).

It prints the best time of each and the ratio (target: <= 1.5), then runs
`tinyapp backup --portable` and reads the peak memory (ru_maxrss) of that process:
target under 200 MB, whatever the database size.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TINYAPP = [sys.executable, "-m", "tinyapp"]


def run(command: list[str], quiet: bool = True) -> tuple[float, int]:
    """Run a command to the end; return (seconds, peak memory in kB) of that process alone."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL if quiet else None,
                               stderr=subprocess.PIPE, env=_environment())
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}


def build(data: Path) -> Path:
    database = data / "tinyapp.db"
    if database.exists():
        print(f"reusing {database}")
        return database
    print("building the large demo database (tinyapp demo --size large) ...", flush=True)
    seconds, _ = run([*TINYAPP, "demo", "--size", "large", "--data-dir", str(data),
                      "--log-level", "warning"])
    print(f"built in {seconds:.0f} s")
    return database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the database here "
                        "(default: a temporary folder, removed afterwards)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default: 3)")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        sys.exit("the sqlite3 command is missing: apt-get install -y sqlite3")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tinyapp-bench-"))
    try:
        return measure(workdir, args.rounds)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(workdir: Path, rounds: int) -> int:
    database = build(workdir / "data")
    backups = workdir / "backups"
    flags = ["--data-dir", str(workdir / "data"), "--backup-dir", str(backups),
             "--log-level", "warning"]
    size = database.stat().st_size
    print(f"database: {database} ({size / 1e6:,.0f} MB)")
    run(["sqlite3", str(database), "PRAGMA wal_checkpoint(TRUNCATE)"])  # a quiet start
    cli_times, tinyapp_times = [], []
    for round_number in range(1, rounds + 1):
        copy = workdir / "sqlite3-copy.db"
        cli_times.append(run(["sqlite3", str(database), f".backup '{copy}'"])[0])
        copy.unlink()
        tinyapp_times.append(run([*TINYAPP, "backup", *flags])[0])
        shutil.rmtree(backups)
        print(f"round {round_number}: sqlite3 .backup {cli_times[-1]:.2f} s, "
              f"tinyapp backup {tinyapp_times[-1]:.2f} s", flush=True)
    startup, _ = run([*TINYAPP, "backups", *flags])
    ratio = min(tinyapp_times) / min(cli_times)
    print(f"best: sqlite3 .backup {min(cli_times):.2f} s, tinyapp backup "
          f"{min(tinyapp_times):.2f} s (of which ~{startup:.2f} s is starting Python and "
          f"tinyapp)\nratio tinyapp / sqlite3 = {ratio:.2f} (target <= 1.5)")

    seconds, peak_kb = run([*TINYAPP, "backup", "--portable", *flags])
    _, idle_kb = run([*TINYAPP, "backups", *flags])
    payload = next(backups.glob("*/data.jsonl.gz")).stat().st_size
    print(f"portable export: {seconds:.1f} s, {payload / 1e6:,.0f} MB gzipped, peak memory "
          f"{peak_kb / 1024:,.0f} MB (tinyapp doing nothing: {idle_kb / 1024:,.0f} MB; "
          "target < 200 MB)")
    shutil.rmtree(backups)
    return 0 if ratio <= 1.5 and peak_kb < 200 * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
