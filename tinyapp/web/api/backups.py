"""/api/v1/backups: list the backups, make one now, download one (admins only).

The work is done by tinyapp.backup; these handlers only check names and shape answers.
A download is found among the listed backups by name, never by joining a path, so a
name such as ``../../etc/passwd`` matches nothing and gets a 404.
"""

import logging

import bottle

from tinyapp.backup import (
    BackupBusy,
    BackupError,
    backup_named,
    list_backups,
    make_backup,
    record_download,
    zip_stream,
)
from tinyapp.errors import Conflict, NotFound
from tinyapp.pagination import Page
from tinyapp.schemas.backups import BackupNameQuery, BackupRequestSchema, BackupSchema
from tinyapp.web.api.endpoint import Endpoint
from tinyapp.web.auth import current_user, settings
from tinyapp.web.errors import error_response

log = logging.getLogger("tinyapp.backup")


def list_all():
    """List the backups in BACKUP_DIR, newest first."""
    return Page(list_backups(settings()))


def back_up_now(body):
    """Back up the database now (on a large database this takes a while)."""
    try:
        return make_backup(settings(), portable=body["portable"], user=current_user())
    except BackupBusy as exc:
        raise Conflict("A backup is already running; try again when it has finished.") \
            from exc
    except BackupError as exc:  # a full disk, a failing pg_dump: the server's trouble
        log.error("backup failed: %s", exc)
        return error_response(503, f"The backup failed: {exc}.")


def download(query):
    """Download one backup as a .zip of its folder (manifest.json and the data file)."""
    info = backup_named(settings(), query["name"])
    if info is None or info.manifest is None:
        raise NotFound("There is no backup with that name; list them at /api/v1/backups.")
    record_download(info, current_user())
    return bottle.HTTPResponse(zip_stream(info.path), headers={
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{info.name}.zip"'})


ENDPOINTS = [
    Endpoint("GET", "/api/v1/backups", list_all, "backups:manage", response=BackupSchema,
             many=True),
    Endpoint("POST", "/api/v1/backups", back_up_now, "backups:manage",
             body=BackupRequestSchema, response=BackupSchema, status=201, errors=(409,)),
    Endpoint("GET", "/api/v1/backups/download", download, "backups:manage",
             query=BackupNameQuery, produces="application/zip", errors=(404,)),
]
