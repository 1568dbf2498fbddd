"""manage.py restore ARCHIVE [--force]: bring back what ``manage.py backup`` saved.

In this order, so that a bad archive or a failure changes nothing:

1. The whole archive is read and checked against its manifest: every member
   listed, of the listed size and SHA-256, a plain file with a safe name, the
   manifest's format known, the database engine the one configured here.
   Nothing is written in this pass.
2. A database that holds data (any user, case or notarised item) is not
   overwritten unless --force.
3. The files are unpacked beside their folders (``.restore-*``) and checked again.
4. The database is replaced in one transaction: PostgreSQL with psql
   --single-transaction (the public schema dropped and re-created, then the
   dump), SQLite with its backup API (one write transaction). If this fails,
   the staged files are removed and the database is as it was.
5. Only then each folder's contents are swapped for the restored ones (renames
   within the folder's file system; the old contents are put back if a rename fails).

Stop the application processes first (``scripts/stack restore`` does): workers
keep the notary keys in memory, and a restore of a running SQLite instance would
race its writers. The cache is cleared afterwards.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.management.commands.backup import (
    CHUNK,
    DATABASE_MEMBERS,
    FORMAT,
    MANIFEST,
    VERSION,
    database_engine,
    file_roots,
    pg_tool,
    run_tool,
)


class ArchiveError(CommandError):
    pass


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        raise ArchiveError(f"unsafe name in the archive: {name!r}")
    return path


def _member_hash(tar: tarfile.TarFile, member: tarfile.TarInfo, sink=None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    source = tar.extractfile(member)
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


def verify_archive(archive: Path) -> dict:
    """Pass 1: read everything, write nothing. Returns the manifest."""
    seen: dict[str, tuple[str, int]] = {}
    manifest_bytes = None
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                _safe_name(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise ArchiveError(f"{member.name}: not a plain file (links and devices are refused)")
                if member.name in seen or (member.name == MANIFEST and manifest_bytes is not None):
                    raise ArchiveError(f"{member.name} appears twice")
                if member.name == MANIFEST:
                    manifest_bytes = tar.extractfile(member).read()
                else:
                    seen[member.name] = _member_hash(tar, member)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveError(f"{archive} is not a readable backup archive: {exc}") from exc
    if manifest_bytes is None:
        raise ArchiveError("the archive has no manifest.json")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {entry["name"]: (entry["sha256"], int(entry["size"])) for entry in manifest["files"]}
        engine = manifest["database"]["engine"]
        database_member = manifest["database"]["member"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"the manifest is malformed: {exc!r}") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(f"unknown archive format {manifest.get('format')!r} version {manifest.get('version')!r}")
    if DATABASE_MEMBERS.get(engine) != database_member or database_member not in listed:
        raise ArchiveError("the manifest names no database dump")
    if set(listed) != set(seen):
        missing, extra = sorted(set(listed) - set(seen)), sorted(set(seen) - set(listed))
        raise ArchiveError(f"the archive does not match its manifest (missing: {missing[:5]}, unlisted: {extra[:5]})")
    for name, (sha256, size) in listed.items():
        if seen[name] != (sha256, size):
            raise ArchiveError(f"{name}: SHA-256 or size differs from the manifest (the archive is damaged)")
    roots = file_roots()
    for name in listed:
        parts = PurePosixPath(name).parts
        if parts[0] == "files" and (len(parts) < 3 or parts[1] not in roots):
            raise ArchiveError(f"{name}: no such folder on this instance ({sorted(roots)})")
        if parts[0] not in ("files", "database"):
            raise ArchiveError(f"{name}: unexpected member")
    return manifest


def database_has_data() -> bool:
    """Whether the database holds anything worth keeping: a user, a case, a notarised file.
    (A freshly migrated database has rows too: reference data, not content.)"""
    from notary.models import LogLeaf, NotaryItem
    from portal.models import Case, User

    tables = set(connection.introspection.table_names())
    return any(model._meta.db_table in tables and model.objects.exists() for model in (User, Case, NotaryItem, LogLeaf))


class _Staging:
    """Pass 2: unpack into `.restore-<token>` folders inside each root, then swap contents."""

    def __init__(self, roots: dict[str, Path]):
        self.token = secrets.token_hex(6)
        self.roots = roots
        self.staged: dict[str, Path] = {}
        self.scratch = Path(tempfile.mkdtemp(prefix="portal-restore-", dir=settings.FILE_UPLOAD_TEMP_DIR))
        self.scratch.chmod(0o700)
        self.database_file: Path | None = None

    def staged_root(self, root_name: str) -> Path:
        if root_name not in self.staged:
            root = self.roots[root_name]
            root.mkdir(parents=True, exist_ok=True)
            staged = root / f".restore-{self.token}"
            staged.mkdir(mode=0o700)
            self.staged[root_name] = staged
        return self.staged[root_name]

    def target_for(self, name: str) -> Path:
        parts = PurePosixPath(name).parts
        if parts[0] == "database":
            self.database_file = self.scratch / "database"
            return self.database_file
        return self.staged_root(parts[1]) / PurePosixPath(*parts[2:])

    def unpack(self, archive: Path, manifest: dict) -> None:
        listed = {entry["name"]: (entry["sha256"], int(entry["size"])) for entry in manifest["files"]}
        for root_name in manifest.get("roots", []):  # a folder that was empty is restored empty
            if root_name in self.roots:
                self.staged_root(root_name)
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                if not member.isfile() or member.name == MANIFEST:
                    continue
                target = self.target_for(member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("xb") as sink:
                    found = _member_hash(tar, member, sink)
                if found != listed.get(member.name):  # the archive changed since pass 1
                    raise ArchiveError(f"{member.name}: differs from the manifest on the second read")
                target.chmod(member.mode & 0o777 or 0o600)
        if "notary" in self.staged:  # the keys' folders stay private (notary/keys.py makes them 700)
            for directory in self.staged["notary"].rglob("*"):
                if directory.is_dir():
                    directory.chmod(0o700)

    def swap_files(self) -> None:
        """Each root's contents become the staged ones; the old contents go on failure back in place."""
        done: list[tuple[Path, Path, Path]] = []
        try:
            for root_name, staged in self.staged.items():
                root = self.roots[root_name]
                if root_name == "notary-log-key":
                    key_file = Path(settings.NOTARY_LOG_KEY_FILE)
                    restored = staged / key_file.name
                    if restored.exists():
                        restored.replace(key_file)
                    continue
                replaced = root / f".replaced-{self.token}"
                replaced.mkdir(mode=0o700)
                done.append((root, staged, replaced))
                for child in list(root.iterdir()):
                    if child not in (staged, replaced):
                        child.rename(replaced / child.name)
                for child in list(staged.iterdir()):
                    child.rename(root / child.name)
        except OSError as exc:
            for root, staged, replaced in reversed(done):
                for child in list(root.iterdir()):
                    if child not in (staged, replaced):
                        child.rename(staged / child.name)
                for child in list(replaced.iterdir()):
                    child.rename(root / child.name)
            raise CommandError(f"The database was restored, but swapping the files failed ({exc}); the previous "
                               f"files are back in place, the restored ones in {[str(s) for _, s, _ in done]}.") from exc
        for _root, staged, replaced in done:
            shutil.rmtree(replaced, ignore_errors=True)
            shutil.rmtree(staged, ignore_errors=True)
        for staged in self.staged.values():
            shutil.rmtree(staged, ignore_errors=True)

    def discard(self) -> None:
        for staged in self.staged.values():
            shutil.rmtree(staged, ignore_errors=True)
        shutil.rmtree(self.scratch, ignore_errors=True)


def restore_database(engine: str, dump: Path, scratch: Path) -> None:
    """Replace the whole database, in one transaction."""
    if connection.in_atomic_block:
        raise CommandError("restore cannot run inside a transaction")
    if engine == "postgresql":
        script = scratch / "restore.sql"
        # The dump as SQL first: a broken dump fails here, before the database is touched.
        run_tool([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", str(script), str(dump)],
                 what="reading the dump (pg_restore)")
        psql = pg_tool("psql")
        connection.close()
        run_tool([psql, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
                  "--command", "DROP SCHEMA IF EXISTS public CASCADE", "--command", "CREATE SCHEMA public",
                  "--file", str(script)], what="restoring the database (psql, rolled back)")
        connection.close()
        return
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CommandError(f"The SQLite copy in the archive is unusable: {exc}") from exc
        if check != "ok":
            raise CommandError(f"The SQLite copy in the archive fails its integrity check: {check}")
        connection.ensure_connection()
        try:
            source.backup(connection.connection)  # all pages in one step: one write transaction
        except sqlite3.Error as exc:
            raise CommandError(f"Restoring the SQLite database failed (unchanged): {exc}") from exc
    finally:
        source.close()


def restore(archive: Path, *, force: bool = False, log=lambda message: None) -> dict:
    archive = Path(archive)
    if not archive.is_file():
        raise CommandError(f"No such archive: {archive}")
    log(f"Checking {archive} against its manifest…")
    manifest = verify_archive(archive)
    engine = database_engine()
    if manifest["database"]["engine"] != engine:
        raise CommandError(f"The archive holds a {manifest['database']['engine']} database; this instance runs on "
                           f"{engine}. Restore it into a {manifest['database']['engine']} database.")
    if database_has_data() and not force:
        raise CommandError("The database holds data (users, cases or notarised files): nothing was changed. "
                           "Use --force to replace it with the archive's.")
    staging = _Staging(file_roots())
    try:
        log("Unpacking the files beside their folders…")
        staging.unpack(archive, manifest)
        log("Replacing the database (one transaction)…")
        restore_database(engine, staging.database_file, staging.scratch)
    except BaseException:
        staging.discard()
        raise
    log("Swapping the restored files in…")
    try:
        staging.swap_files()
    finally:
        shutil.rmtree(staging.scratch, ignore_errors=True)
    from notary.keys import reset_caches

    reset_caches()  # this process's cached keys; other processes must be restarted
    cache.clear()
    return manifest


class Command(BaseCommand):
    help = ("Restore an archive written by `manage.py backup`: checks its manifest first, refuses a database "
            "that holds data unless --force, replaces the database in one transaction. See docs/deployment.md.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="replace a database that holds data")

    def handle(self, *args, archive, force=False, **options):
        manifest = restore(Path(archive), force=force, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"Restored {archive} (made {manifest['created']}, {len(manifest['files'])} files). Restart the "
            "application processes; then `manage.py notary_audit` checks every file against the notary log."))
