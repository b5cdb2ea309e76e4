"""Backups as the API shows them, and what "back up now" and a download accept."""

from marshmallow import Schema, fields

from tinyapp.schemas.common import StrictSchema
from tinyapp.schemas.fields import Flag, Text, UTCDateTime


class BackupSchema(Schema):
    """One backup folder (tinyapp.backup.BackupInfo); an unreadable one has only a problem."""

    name = fields.String(metadata={"description": "Folder name; pass it to the download."})
    created_at = UTCDateTime()
    size = fields.Integer(metadata={"description": "Bytes of the data file."})
    engine = fields.String(attribute="manifest.engine")
    format = fields.String(attribute="manifest.format", metadata={
        "description": "sqlite, pg_dump, mysqldump or portable."})
    schema_version = fields.String(attribute="manifest.schema_version", allow_none=True)
    app_version = fields.String(attribute="manifest.app_version")
    rows = fields.Integer(attribute="manifest.total_rows")
    tables = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         attribute="manifest.tables")
    sha256 = fields.String(attribute="manifest.sha256")
    verified = fields.String(metadata={
        "description": "'never', or 'yes'/'FAILED' with the date of the last verify."})
    problem = fields.String(allow_none=True, metadata={
        "description": "Why the folder is not a readable backup (null when it is)."})


class BackupRequestSchema(StrictSchema):
    portable = Flag(load_default=False, metadata={
        "description": "Write the engine-neutral format (restores into any engine)."})


class BackupNameQuery(StrictSchema):
    name = Text(100, required=True, metadata={"description": "A backup's name, as listed."})
