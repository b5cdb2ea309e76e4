"""Backups on the pages: the dashboard warns when the newest is old, admins back up now."""

import dataclasses
import datetime as dt

from tests.pages.conftest import csrf_of
from tinyapp import backup, db
from tinyapp.backup.manifest import read_manifest, write_manifest


def age_backup(info: backup.BackupInfo, days: float) -> None:
    """Pretend a backup was taken days ago (its manifest says when)."""
    manifest = read_manifest(info.path)
    write_manifest(info.path, dataclasses.replace(
        manifest, created_at=manifest.created_at - dt.timedelta(days=days)))


def test_the_dashboard_warns_until_a_backup_is_made(client, sign_in, settings):
    sign_in("admin")
    assert "No backup has been made yet." in client.get("/").text
    with db.database.connection_context():
        made = backup.make_backup(settings)
    assert "No backup has been made yet" not in client.get("/").text
    age_backup(made, 2)
    warning = client.get("/").html.select_one(".flash-error")
    assert "The newest backup is 2.0 days old." in warning.text
    assert warning.select_one('a[href="/system#backups"]') is not None


def test_staff_see_the_warning_without_the_button(client, sign_in):
    sign_in("staff")
    warning = client.get("/").html.select_one(".flash-error")
    assert "Ask an admin" in warning.text and warning.select_one("a") is None


def test_an_admin_backs_up_from_the_system_page_and_can_download_it(client, sign_in):
    sign_in("admin")
    page = client.get("/system")
    assert "No backup has been made yet." in page.text
    done = client.post("/system/backups", {"csrf_token": csrf_of(page)}, status=303).follow()
    assert "made (" in done.html.select_one(".flash-success").text
    link = done.html.select_one('#backups a[download]')["href"]
    assert link.startswith("/api/v1/backups/download?name=tinyapp-")
    download = client.get(link)
    assert download.content_type == "application/zip"


def test_backing_up_from_the_page_needs_the_csrf_token(client, sign_in):
    sign_in("admin")
    client.post("/system/backups", {}, status=403)
