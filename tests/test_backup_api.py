"""/api/v1/backups: admins list, make and download backups; nobody else, and nothing else."""

import io
import json
import zipfile

import pytest
import webtest

from tinyapp import backup, db
from tinyapp.models import Change
from tinyapp.services import accounts
from tinyapp.web.app import create_app

LIST, DOWNLOAD = "/api/v1/backups", "/api/v1/backups/download"


def test_admins_list_make_and_download_backups(engine, api_as, settings):
    admin = api_as("admin")
    assert admin.get(LIST).json == {"items": [], "next_cursor": None}

    made = admin.post(LIST, {}, status=201).json
    assert made["engine"] == engine and made["verified"] == "never" and made["rows"] >= 1
    assert [item["name"] for item in admin.get(LIST).json["items"]] == [made["name"]]

    reply = admin.get(DOWNLOAD, name=made["name"])
    assert reply.content_type == "application/zip"
    assert reply.headers["Content-Disposition"] == f'attachment; filename="{made["name"]}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(reply.body))
    manifest = json.loads(archive.read(f"{made['name']}/manifest.json"))
    assert manifest["sha256"] == made["sha256"]
    assert archive.testzip() is None and len(archive.namelist()) == 2

    portable = admin.post(LIST, {"portable": True}, status=201).json
    assert portable["format"] == "portable"
    with db.database.connection_context():
        actions = [(e.action, e.entity_id) for e in Change.select().order_by(Change.id)
                   if e.entity == "backup" and e.user is not None]
    assert actions == [("create", made["name"]), ("download", made["name"]),
                       ("create", portable["name"])]


@pytest.mark.parametrize("role", [None, "viewer", "staff"])
def test_only_admins_may_touch_backups(api_as, app, role):
    backup_name = api_as("admin").post(LIST, {}, status=201).json["name"]
    client = api_as(role) if role else None
    expected = 403 if role else 401
    for method, url in (("GET", LIST), ("POST", LIST), ("GET", f"{DOWNLOAD}?name={backup_name}")):
        if client is None:
            response = webtest.TestApp(app).request(
                url, method=method, status="*", body=b"{}" if method == "POST" else b"",
                headers={"Content-Type": "application/json"} if method == "POST" else {})
        elif method == "GET":
            response = client.app.get(url, headers=client.headers, status="*")
        else:
            response = client.post(url, {}, status="*")
        assert response.status_int == expected, (method, url, role)
        assert b"PK" not in response.body[:2]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..", ".", "safety",
                                  "../data/secret_key", "%2e%2e%2fsecret_key", "{made}/..",
                                  "{made}/manifest.json", ".partial-{made}"])
def test_the_download_refuses_anything_but_a_listed_backup(api_as, settings, name):
    admin = api_as("admin")
    made = admin.post(LIST, {}, status=201).json["name"]
    (settings.BACKUP_DIR / "safety").mkdir()
    (settings.DATA_DIR / "secret_key").write_text("do not serve me")

    reply = admin.get(DOWNLOAD, name=name.format(made=made), status=404)

    assert reply.content_type == "application/problem+json"
    assert b"do not serve me" not in reply.body


def test_a_path_in_the_url_finds_no_route(api_as):
    admin = api_as("admin")
    admin.app.get(f"{DOWNLOAD}/../../etc/passwd", headers=admin.headers, status=404)
    admin.get(DOWNLOAD, status=400)  # the name is required


def test_back_up_now_during_another_backup_is_a_conflict(api_as):
    admin = api_as("admin")
    with backup._RUNNING:  # as while the scheduled backup runs
        reply = admin.post(LIST, {}, status=409)
    assert "already running" in reply.json["detail"]


def test_a_backup_that_fails_answers_503_with_the_reason(database, make_settings, migrated_url,
                                                         make_user, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings = make_settings(DATABASE_URL=migrated_url, BACKUP_DIR=tmp_path / "a-file" / "b")
    app = create_app(settings)
    admin = make_user("admin")
    with db.database.connection_context():
        _, token = accounts.create_token(admin, "tests")
    reply = webtest.TestApp(app).post_json(LIST, {}, status=503,
                                           headers={"Authorization": f"Bearer {token}"})
    assert reply.json["detail"].startswith("The backup failed: cannot write in ")
    assert "Not a directory" in reply.json["detail"]
