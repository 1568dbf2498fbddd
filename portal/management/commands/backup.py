"""manage.py backup: everything needed to bring the portal back, in one archive.

The archive (tar, gzip-compressed unless the name ends in .tar) holds:

* database/: the database — ``pg_dump --format=custom`` for PostgreSQL, an online
  copy (SQLite's backup API, consistent while the portal runs) for SQLite;
* files/media/: public media (MEDIA_ROOT: CMS images and documents);
* files/private/: the private storage (STORAGES["private"]: case documents,
  notarised evidence);
* files/notary/: NOTARY_DIR, the notary's keys and certificates (and
  files/notary-log-key/ when NOTARY_LOG_KEY_FILE lies outside it);
* manifest.json, last: format, time, database engine, and the size and SHA-256
  of every other file in the archive. ``manage.py restore`` checks it before it
  changes anything.

The archive contains secrets (the notary's private keys, password hashes, case
files): it is created with mode 600, and must be stored encrypted
(docs/deployment.md). A ``.sha256`` file beside it holds the archive's own hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

FORMAT = "ip-dispute-portal-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"postgresql": "database/portal.pgdump", "sqlite": "database/portal.sqlite3"}
# Left behind by an interrupted restore (portal/management/commands/restore.py): never archived.
RESTORE_LEFTOVERS = (".restore-", ".replaced-")
CHUNK = 1024 * 1024


def database_engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def private_location() -> Path:
    """Where case documents and notarised files are stored: the "private" storage (STORAGES),
    as the models hold it (CaseDocument and NotaryItem share the instance)."""
    from portal.models import CaseDocument

    storage = CaseDocument._meta.get_field("file").storage
    location = getattr(storage, "location", None)
    if not location:
        raise CommandError(f"The private storage ({type(storage).__name__}) is not a folder of this machine: back it "
                           "up with that storage's own tools; this command archives local folders only.")
    return Path(location)


def file_roots() -> dict[str, Path]:
    """The folders of files an instance keeps, by their name in the archive."""
    roots = {
        "media": Path(settings.MEDIA_ROOT),
        "private": private_location(),
        "notary": Path(settings.NOTARY_DIR),
    }
    resolved = {name: path.resolve() for name, path in roots.items()}
    for name, path in resolved.items():
        for other, other_path in resolved.items():
            if name != other and path.is_relative_to(other_path):
                raise CommandError(f"The {name} folder ({path}) lies inside the {other} folder ({other_path}): "
                                   "keep them apart.")
    if settings.NOTARY_LOG_KEY_FILE:
        key_file = Path(settings.NOTARY_LOG_KEY_FILE).resolve()
        if not key_file.is_relative_to(resolved["notary"]):
            roots["notary-log-key"] = key_file.parent  # only that one file is archived (see root_files)
    return roots


def root_files(name: str, root: Path) -> list[Path]:
    """Regular files under a root, sorted; symlinks and other special files are skipped."""
    if name == "notary-log-key":
        key_file = Path(settings.NOTARY_LOG_KEY_FILE).resolve()
        return [key_file] if key_file.is_file() else []
    if not root.is_dir():
        return []
    found = []
    for directory, subdirs, files in os.walk(root):
        if Path(directory) == root:
            subdirs[:] = [d for d in subdirs if not d.startswith(RESTORE_LEFTOVERS)]
        subdirs.sort()
        for filename in sorted(files):
            path = Path(directory) / filename
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


# --- PostgreSQL tools ------------------------------------------------------------------------------

def pg_environment() -> dict[str, str]:
    """libpq's environment for the default database (the password never goes on a command line)."""
    params = connection.settings_dict
    env = {**os.environ}
    for key, value in (("PGHOST", params.get("HOST")), ("PGPORT", params.get("PORT")), ("PGUSER", params.get("USER")),
                       ("PGPASSWORD", params.get("PASSWORD")), ("PGDATABASE", params.get("NAME"))):
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    sslmode = params.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def pg_tool(name: str) -> str:
    """pg_dump, pg_restore or psql of the server's major version when installed (Debian keeps
    one folder per version), else $PGBIN, else the one on PATH."""
    candidates = []
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin") / name)
    if os.environ.get("PGBIN"):
        candidates.append(Path(os.environ["PGBIN"]) / name)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client-{major}).")
    return found


def run_tool(args: list[str], *, what: str) -> None:
    result = subprocess.run(args, env=pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{what} failed ({Path(args[0]).name} exited with {result.returncode}): "
                           f"{result.stderr.strip()[-2000:]}")


# --- the database ---------------------------------------------------------------------------------

def dump_database(target: Path) -> str:
    engine = database_engine()
    if engine == "postgresql":
        run_tool([pg_tool("pg_dump"), "--format=custom", "--file", str(target)], what="pg_dump")
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # consistent even while others write
        finally:
            copy.close()
    return engine


# --- the archive ---------------------------------------------------------------------------------

class _HashingReader:
    """Hands a file to tarfile and hashes exactly the bytes it reads."""

    def __init__(self, fh):
        self.fh = fh
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, name: str, entries: list[dict]) -> None:
    stat = path.stat()
    info = tarfile.TarInfo(name)
    info.size = stat.st_size
    info.mtime = int(stat.st_mtime)
    info.mode = stat.st_mode & 0o777
    with path.open("rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    entries.append({"name": name, "size": reader.size, "sha256": reader.digest.hexdigest()})


def _open_private(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def create_backup(destination: Path) -> dict:
    """Write the archive to `destination` (which must not exist); returns the manifest."""
    destination = Path(destination)
    if destination.exists():
        raise CommandError(f"{destination} exists already: choose another name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    roots = file_roots()
    mode = "w" if destination.name.endswith(".tar") else "w:gz"
    partial = destination.with_name(f".{destination.name}.partial")
    entries: list[dict] = []
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=destination.parent) as scratch:
        os.chmod(scratch, 0o700)
        try:
            with _open_private(partial) as raw, tarfile.open(fileobj=raw, mode=mode, format=tarfile.PAX_FORMAT) as tar:
                # The database first: files it refers to were written before it, so they are all
                # in the archive (files added later are harmless extras).
                dump = Path(scratch) / "database"
                engine = dump_database(dump)
                _add(tar, dump, DATABASE_MEMBERS[engine], entries)
                dump.unlink()
                for name, root in roots.items():
                    for path in root_files(name, root):
                        relative = path.name if name == "notary-log-key" else path.relative_to(root).as_posix()
                        _add(tar, path, f"files/{name}/{relative}", entries)
                manifest = {
                    "format": FORMAT, "version": VERSION,
                    "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "database": {"engine": engine, "member": DATABASE_MEMBERS[engine]},
                    "roots": sorted(roots),
                    "files": entries,
                }
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, destination)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    digest = hashlib.sha256()
    with destination.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    with _open_private(destination.with_name(destination.name + ".sha256")) as fh:
        fh.write(f"{digest.hexdigest()}  {destination.name}\n".encode())
    manifest["archive_sha256"] = digest.hexdigest()
    return manifest


def default_name() -> str:
    return f"portal-backup-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}.tar.gz"


class Command(BaseCommand):
    help = ("Back up the database, the private and public media and the notary's keys into one archive "
            "(mode 600; it contains secrets: store it encrypted). See docs/deployment.md.")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive to write (.tar.gz, or .tar for no compression)")
        parser.add_argument("--output-dir", default=None,
                            help="folder for an archive with a dated name (default: var/backups/)")

    def handle(self, *args, output=None, output_dir=None, **options):
        if output and output_dir:
            raise CommandError("Give --output or --output-dir, not both.")
        destination = Path(output) if output else Path(output_dir or Path(settings.VAR_DIR) / "backups") / default_name()
        manifest = create_backup(destination)
        total = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(self.style.SUCCESS(
            f"Backup written: {destination} ({len(manifest['files'])} files, {total} bytes before compression, "
            f"database: {manifest['database']['engine']}; SHA-256 {manifest['archive_sha256']} in "
            f"{destination.name}.sha256)."))
        self.stdout.write("It contains the notary's private keys and personal data: store it encrypted.")
