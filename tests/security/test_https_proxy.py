"""End to end behind a real reverse proxy: nginx terminates TLS on 127.0.0.1.

nginx (Debian's package, installed by .ci/run) gets a certificate made for the test and
forwards to a live tinyapp that trusts it as TRUSTED_PROXY.
"""

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.support.databases import in_ci
from tests.support.live import live_server

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    location / {{
      proxy_pass {upstream};
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }}
  }}
}}
"""


@pytest.fixture
def nginx_path():
    if not Path(NGINX).exists():
        reason = "nginx is not installed (apt-get install nginx; .ci/run does it)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return NGINX


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 10) -> None:
    """Wait until something listens on port (nginx has no readiness signal to read)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("nginx did not start listening")


def test_behind_nginx_cookies_are_secure_redirects_stay_https_and_hsts_is_sent(
        nginx_path, make_settings, migrated_url, make_user, tmp_path):
    user = make_user("staff")
    cert, key = make_certificate(tmp_path)
    port = free_port()
    settings = make_settings(DATABASE_URL=migrated_url, TRUSTED_PROXY="127.0.0.1")
    with live_server(settings) as (upstream, _):
        conf = tmp_path / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=tmp_path, port=port, cert=cert, key=key,
                                          upstream=upstream))
        nginx = subprocess.Popen([nginx_path, "-c", str(conf), "-p", str(tmp_path)],
                                 stderr=subprocess.PIPE, text=True)
        try:
            wait_for_port(port, nginx)
            context = ssl.create_default_context(cafile=str(cert))
            connection = http.client.HTTPSConnection("127.0.0.1", port, context=context,
                                                     timeout=10)

            connection.request("POST", "/api/v1/auth/login", json.dumps(
                {"email": user.email, "password": PASSWORD}),
                {"Content-Type": "application/json"})
            login = connection.getresponse()
            login.read()
            assert login.status == 200
            cookie = login.getheader("Set-Cookie")
            assert "Secure" in cookie and "HttpOnly" in cookie
            assert login.getheader("Strict-Transport-Security").startswith("max-age=")

            connection.request("GET", "/")
            redirect = connection.getresponse()
            redirect.read()
            assert redirect.status in (302, 303)
            location = redirect.getheader("Location")
            assert location.startswith(("/", f"https://127.0.0.1:{port}/"))
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
