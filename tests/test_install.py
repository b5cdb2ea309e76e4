"""A newcomer's first start, for real: a fresh venv, `pip install .`, another folder.

Slow (it installs tinyapp and its dependencies into a new virtual environment), so it
runs with ``-m slow``; .ci/run runs it in a step of its own.
"""

import html.parser
import http.cookiejar
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.support.live import served_url

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

FAKE_BROWSER = """import sys
print("BROWSER OPENED", sys.argv[1], flush=True)
"""


class HiddenInputs(html.parser.HTMLParser):
    """The hidden fields of a page's forms (the setup token, any CSRF token)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden":
            self.fields[values["name"]] = values.get("value", "")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A new virtual environment with tinyapp installed from the checkout, not editable."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return venv


def test_an_installed_tinyapp_keeps_its_data_in_the_user_folder_and_opens_the_setup_link(
        installed, tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "somewhere-else"
    home.mkdir()
    elsewhere.mkdir()
    browser = tmp_path / "browser.py"
    browser.write_text(FAKE_BROWSER)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TINYAPP_", "XDG_"))}
    env.update(HOME=str(home), BROWSER=f"{sys.executable} {browser} %s",
               PATH=f"{installed / 'bin'}:{env['PATH']}")

    helped = subprocess.run(["tinyapp", "--help"], cwd=elsewhere, env=env, text=True,
                            capture_output=True, timeout=60)
    assert helped.returncode == 0
    assert all(command in helped.stdout for command in ("serve", "backup", "restore", "demo"))

    serving = subprocess.Popen(["tinyapp", "serve", "--port", "0", "--open"], cwd=elsewhere,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        data = home / ".local" / "share" / "tinyapp"
        said = []
        url = served_url(serving, said)
        assert said[0] == f"data: {data} (your user data folder; DATA_DIR changes it)\n"
        opened = next(line for line in serving.stdout if line.startswith("BROWSER OPENED"))
        setup_link = opened.split()[-1]
        assert setup_link.startswith(f"{url}setup?token=")
        assert (data / "tinyapp.db").is_file() and list(elsewhere.iterdir()) == []

        cookies = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = HiddenInputs()
        form.feed(cookies.open(setup_link, timeout=10).read().decode())
        body = urllib.parse.urlencode({**form.fields, "name": "Grace Hopper",
                                       "email": "grace@example.com",
                                       "password": "correct horse battery staple"}).encode()
        request = urllib.request.Request(f"{url}setup", data=body, method="POST",
                                         headers={"Origin": url.rstrip("/")})
        dashboard = cookies.open(request, timeout=10)  # the redirect is followed
        assert dashboard.geturl() == url
        assert "Dashboard" in dashboard.read().decode()  # signed in, no second login
    finally:
        serving.terminate()
        serving.wait(timeout=30)
