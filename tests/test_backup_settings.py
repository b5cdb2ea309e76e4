"""Retention as configured: BACKUP_KEEP plus the optional daily and weekly tiers."""

import dataclasses

from tinyapp import backup, db
from tinyapp.backup.manifest import read_manifest, write_manifest


def test_daily_tier_keeps_one_backup_per_recent_day(database, make_settings, migrated_url):
    import datetime as dt

    keep_all = make_settings(DATABASE_URL=migrated_url, BACKUP_KEEP=100)
    with db.database.connection_context():
        made = [backup.make_backup(keep_all) for _ in range(3)]
    for info, days_ago in zip(made, (3, 2, 1), strict=True):
        manifest = read_manifest(info.path)
        write_manifest(info.path, dataclasses.replace(
            manifest, created_at=manifest.created_at - dt.timedelta(days=days_ago)))
    settings = keep_all.replace(BACKUP_KEEP=1, BACKUP_KEEP_DAILY=2)
    with db.database.connection_context():
        newest = backup.make_backup(settings)  # prunes as it finishes
    kept = {info.name for info in backup.list_backups(settings)}
    # the newest (BACKUP_KEEP=1) and the last backup of each of the 2 most recent days:
    # today's is the newest itself, yesterday's is made[2]; made[0] and made[1] go.
    assert kept == {newest.name, made[2].name}
