"""Backup folders on disk: retention, the second copy, full and read-only disks, .zip files."""

import datetime as dt
import os
import secrets
import shutil
from decimal import Decimal

import pytest

from tinyapp import db
from tinyapp.backup import (
    BackupError,
    last_backup_age_seconds,
    list_backups,
    make_backup,
    restore_backup,
    verify_backup,
    zip_stream,
)
from tinyapp.backup.files import check_payload
from tinyapp.backup.manifest import read_manifest, write_manifest
from tinyapp.backup.retention import plan
from tinyapp.services import catalog

UTC = dt.UTC


# -- retention --

def _every_twelve_hours(days: int) -> list[tuple[str, dt.datetime]]:
    start = dt.datetime(2026, 11, 2, 6, tzinfo=UTC)  # a Monday
    return [(f"b{i:02d}", start + dt.timedelta(hours=12 * i)) for i in range(2 * days)]


def test_retention_deletes_only_the_oldest_beyond_the_limit():
    backups = _every_twelve_hours(5)
    doomed = plan(backups, keep=3)
    assert sorted(doomed) == [f"b{i:02d}" for i in range(7)]


def test_daily_and_weekly_tiers_keep_the_newest_of_each_period():
    backups = _every_twelve_hours(21)  # three weeks, two a day
    kept = {name for name, _ in backups} - set(plan(backups, keep=2, daily=4, weekly=3))
    newest_of_day = {f"b{i:02d}" for i in (41, 39, 37, 35)}  # the 18:00 ones
    newest_of_week = {"b41", "b27", "b13"}  # Sunday 18:00 of each week
    assert kept == {"b41", "b40"} | newest_of_day | newest_of_week


def test_pruning_keeps_the_newest_backups_and_leaves_other_folders_alone(database, make_settings,
                                                                         migrated_url):
    settings = make_settings(DATABASE_URL=migrated_url, BACKUP_KEEP=3)
    stranger = settings.BACKUP_DIR / "tinyapp-not-a-backup"
    stranger.mkdir(parents=True)
    made = [make_backup(settings).name for _ in range(5)]

    listed = list_backups(settings)
    assert [info.name for info in listed if info.manifest] == list(reversed(made[2:]))
    assert stranger.exists() and listed[-1].problem.endswith("is not a tinyapp backup "
                                                             "(no manifest.json)")


def test_each_backup_is_copied_to_the_second_folder_and_checked_there(database, make_settings,
                                                                      migrated_url, tmp_path):
    settings = make_settings(DATABASE_URL=migrated_url, BACKUP_KEEP=2,
                             BACKUP_COPY_TO=tmp_path / "offsite")
    made = [make_backup(settings) for _ in range(3)]

    copies = sorted(path.name for path in (tmp_path / "offsite").iterdir())
    assert copies == sorted(info.name for info in made[1:])
    for info in made[1:]:
        copy = tmp_path / "offsite" / info.name
        assert read_manifest(copy) == read_manifest(info.path)
        check_payload(copy, read_manifest(copy))


def test_a_failed_copy_keeps_the_backup_and_says_so(database, make_settings, migrated_url,
                                                    tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings = make_settings(DATABASE_URL=migrated_url,
                             BACKUP_COPY_TO=tmp_path / "a-file" / "offsite")
    with pytest.raises(BackupError, match=r"was written, but copying it to .*offsite failed"):
        make_backup(settings)
    assert len(list_backups(settings)) == 1


# -- destinations that cannot take a backup --

def _bulky_products(count: int = 120) -> None:
    """Products with random (incompressible) descriptions: about 1 MB of data."""
    with db.database.connection_context():
        for number in range(count):
            catalog.create_product({"sku": f"BULK-{number:04d}", "name": f"Bulky {number}",
                                    "price": Decimal("1.00"), "stock": 1,
                                    "description": secrets.token_hex(4000)})


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_full_disk_fails_cleanly_and_leaves_nothing(database, settings, small_disk, portable):
    _bulky_products()
    full = small_disk(256)

    with pytest.raises(BackupError, match="(No space left on device|disk is full)"):
        make_backup(settings, portable=portable, dest=full)

    assert os.listdir(full) == []  # no backup, no half-written leftovers
    assert make_backup(settings, portable=portable).manifest is not None  # elsewhere: fine


def test_a_read_only_disk_fails_cleanly(database, settings, small_disk):
    read_only = small_disk(1024, read_only=True)
    with pytest.raises(BackupError, match="cannot write in .*Read-only file system"):
        make_backup(settings, dest=read_only / "backups")
    assert os.listdir(read_only) == []


def test_a_destination_under_a_file_fails_cleanly(database, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(BackupError, match="cannot write in .*a-file/backups: Not a directory"):
        make_backup(settings, dest=tmp_path / "a-file" / "backups")


def test_half_written_folders_are_never_listed(database, settings):
    info = make_backup(settings)
    shutil.copytree(info.path, settings.BACKUP_DIR / f".partial-{info.name}-x")
    assert [b.name for b in list_backups(settings)] == [info.name]


# -- a backup as a .zip (the download) --

def test_a_downloaded_zip_verifies_and_restores(database, settings, scratch_url, tmp_path):
    info = make_backup(settings)
    downloaded = tmp_path / f"{info.name}.zip"
    with open(downloaded, "wb") as handle:
        for chunk in zip_stream(info.path):
            handle.write(chunk)

    assert verify_backup(downloaded, settings).ok
    restored = restore_backup(downloaded, settings, database_url=scratch_url)
    assert restored.manifest.sha256 == info.manifest.sha256

    downloaded.write_bytes(downloaded.read_bytes()[:-100])
    result = verify_backup(downloaded, settings)
    assert not result.ok and "not a complete .zip" in result.problems[0]
    assert not any(p.name.startswith(".partial") for p in settings.BACKUP_DIR.iterdir())


def test_the_age_of_the_last_backup_is_known(database, settings):
    assert last_backup_age_seconds(settings) is None
    info = make_backup(settings)
    assert 0 <= last_backup_age_seconds(settings) < 60
    manifest = read_manifest(info.path)
    manifest.created_at -= dt.timedelta(days=2)
    write_manifest(info.path, manifest)
    assert 2 * 86400 <= last_backup_age_seconds(settings) < 2 * 86400 + 60
