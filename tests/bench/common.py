"""What the benchmarks share: servers in subprocesses, a load generator, a scratch database."""

import functools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
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
                  extra: list[str] = (), cpus: set[int] | None = None
                  ) -> tuple[subprocess.Popen, str]:
    """Start ``tinyapp serve``; with ``cpus``, the server may run on those CPUs only."""
    pin = None if cpus is None else functools.partial(os.sched_setaffinity, 0, cpus)
    return start_server([PYTHON, "-m", "tinyapp", "serve", "--port", "0",
                         "--threads", str(threads), "--database-url", database_url,
                         "--data-dir", str(data_dir), "--secret-key", "bench", *extra],
                        preexec_fn=pin)


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
    base, _, path = url.partition("//")[2].partition("/")
    result = _python_clients(f"http://{base}/", ["/" + path], headers, seconds, connections)
    if result.errors:
        raise RuntimeError(f"{result.errors} errors under load")
    return result.rate


@dataclass
class Load:
    """What a load run saw: answers received, in how long, and how many were errors."""

    requests: int
    seconds: float
    errors: int  # answers other than 2xx, and socket errors or time-outs
    tool: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


# Each wrk thread sends the paths in turn and, at the end, says what it counted.
_ROTATE = """local paths = {%s}
local turn = 0
request = function()
  turn = turn %% #paths + 1
  return wrk.format(nil, paths[turn])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("load: %%d %%d %%d\\n", summary.requests, summary.duration,
                         e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def load_paths(base_url: str, paths: list[str], headers: dict[str, str], seconds: int,
               connections: int = 8) -> Load:
    """GET the paths of base_url in turn for some seconds; count answers and errors.

    wrk (2 threads) when installed, else a Python client; unlike load(), errors are
    counted, not raised, so that a caller can report them beside the rate.
    """
    if not shutil.which("wrk"):
        return _python_clients(base_url, paths, headers, seconds, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_ROTATE % ", ".join(f'"/{p.lstrip("/")}"' for p in paths))
        script.flush()
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run(command + [base_url], capture_output=True, text=True)
    counted = re.search(r"load: (\d+) (\d+) (\d+)", done.stdout)
    if done.returncode or counted is None:
        raise RuntimeError(f"wrk failed:\n{done.stdout}{done.stderr}")
    requests, micros, errors = map(int, counted.groups())
    return Load(requests, micros / 1e6, errors, f"wrk -t2 -c{connections}")


def _python_clients(base_url, paths, headers, seconds, connections) -> Load:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    deadline = time.monotonic() + seconds
    counts, errors = [0] * connections, [0] * connections

    def client(index):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        turn = index
        while time.monotonic() < deadline:
            turn += 1
            try:
                connection.request("GET", "/" + paths[turn % len(paths)].lstrip("/"),
                                   headers=headers)
                reply = connection.getresponse()
                reply.read()
            except OSError:
                errors[index] += 1
                connection.close()
                continue
            counts[index] += 1
            errors[index] += not 200 <= reply.status < 300

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(sum(counts), time.monotonic() - started, sum(errors),
                f"Python client, {connections} connections")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc/PID/stat."""
    return sum(user_and_system_seconds(pid))


def user_and_system_seconds(pid: int) -> tuple[float, float]:
    """The user and the system CPU time a process has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # After the name: state is field 3 of stat(5), so utime (14) and stime (15) are here.
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def get(url: str, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.read()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values)
