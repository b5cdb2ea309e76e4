"""What the benchmarks share: servers in subprocesses, a load generator, a scratch database."""

import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}


def start_server(command: list[str], **popen) -> tuple[subprocess.Popen, str]:
    """Start a server that prints 'serving http://…/' once it listens; return it and the URL."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, cwd=ROOT, env=clean_env(), **popen)
    for line in process.stdout:
        found = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        if found:
            threading.Thread(target=process.stdout.read, daemon=True).start()  # drain
            return process, found.group(1)
    raise RuntimeError(f"server did not start: {' '.join(command)}")


def start_tinyapp(database_url: str, data_dir: Path, threads: int = 8,
                  extra: list[str] = ()) -> tuple[subprocess.Popen, str]:
    return start_server([PYTHON, "-m", "tinyapp", "serve", "--port", "0",
                         "--threads", str(threads), "--database-url", database_url,
                         "--data-dir", str(data_dir), "--secret-key", "bench", *extra])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def load(url: str, headers: dict[str, str], seconds: int, connections: int = 8) -> float:
    """Requests per second from wrk (or a Python client when wrk is not installed)."""
    if shutil.which("wrk"):
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        out = subprocess.run(command + [url], capture_output=True, text=True,
                             check=True).stdout
        if "Non-2xx" in out:
            raise RuntimeError(f"errors under load:\n{out}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return _python_load(url, headers, seconds, connections)


def _python_load(url, headers, seconds, connections) -> float:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    counts = [0] * connections

    def client(index):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            connection.request("GET", parts.path + "?" + parts.query, headers=headers)
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                raise RuntimeError(f"status {reply.status}")
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def get(url: str, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.read()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values)
