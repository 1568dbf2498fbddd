"""Backup and restore (manage.py backup / restore): a case with notarised evidence
survives a round trip through an archive after the database, the files and the
notary's keys were wiped; damaged or unsafe archives and a database that holds
data are refused before anything changes; a restore that fails leaves the
database and the files as they were.

Runs on SQLite (the in-memory test database, copied with SQLite's backup API)
and on PostgreSQL (the CI pass: pg_dump / psql of the server's version). Each
test works on its own xdist worker's test database and its own folders; the
database is committed data (transactional tests), flushed afterwards as usual.
"""

import hashlib
import io
import json
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from notary.keys import log_signing_key, log_verifier_key, reset_caches
from notary.models import Checkpoint, CustodyEvent, LogLeaf, NotaryItem
from notary.services.audit import audit
from notary.services.items import record_custody, register_file
from portal.management.commands import restore as restore_module
from portal.management.commands.restore import database_has_data
from portal.models import Case, CaseDocument, User
from tests.factories import PDF_BYTES, PNG_BYTES, CaseFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MEDIA_BYTES = b"\x89PNG public neutral photo"


@pytest.fixture
def instance(settings, tmp_path, monkeypatch):
    """This test's own folders: public media, private storage, notary keys."""
    # The models hold their storage instance from import time: give them one in this test's folder.
    private = FileSystemStorage(location=tmp_path / "private")
    for model in (CaseDocument, NotaryItem):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", private)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NOTARY_DIR = tmp_path / "notary"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    reset_caches()
    yield {"media": tmp_path / "media", "private": tmp_path / "private", "notary": tmp_path / "notary"}
    reset_caches()
    if "portal_user" not in connection.introspection.table_names():
        # A test failed between wiping and restoring: give this worker its tables back.
        call_command("migrate", verbosity=0)


@pytest.fixture
def world(instance):
    """A submitted case with two notarised files and a custody event, and a public media file."""
    claimant = UserFactory(full_name="王小明")
    case = CaseFactory(created_by=claimant, complete=True, state="submitted")
    pdf = register_file(case=case, fileobj=SimpleUploadedFile("证据.pdf", PDF_BYTES), original_name="证据.pdf",
                        content_type="application/pdf", submitter=claimant, description="权利证明")
    png = register_file(case=case, fileobj=SimpleUploadedFile("截图.png", PNG_BYTES), original_name="截图.png",
                        content_type="image/png", submitter=claimant)
    record_custody(item=pdf, actor=claimant, action=CustodyEvent.Action.DOWNLOADED, ip="203.0.113.7")
    (instance["media"] / "images").mkdir(parents=True)
    (instance["media"] / "images" / "neutral.png").write_bytes(MEDIA_BYTES)
    assert audit() == []
    return {"claimant": claimant, "case": case, "items": {pdf.uid: PDF_BYTES, png.uid: PNG_BYTES},
            "log_key": (instance["notary"] / "log-ed25519.pem").read_bytes(), "vkey": log_verifier_key(),
            "leaves": LogLeaf.objects.count(), "checkpoint": Checkpoint.objects.order_by("-size").first().note}


def back_up(tmp_path) -> Path:
    archive = tmp_path / "backups" / "portal.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    return archive


def wipe_database() -> None:
    """Drop every table, as on a new server (the restore must bring the schema back)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        connection.ensure_connection()
        sqlite3.connect(":memory:").backup(connection.connection)


def wipe_files(instance) -> None:
    import shutil

    for folder in instance.values():
        shutil.rmtree(folder)  # all three exist: the test wrote into each
    reset_caches()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(files)` applied to its members (a dict name -> bytes)."""
    files = members(archive)
    change(files)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
    return target


def with_manifest_updated(files: dict[str, bytes]) -> None:
    """Make the manifest agree with the members again (a consistent archive with bad content)."""
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = [{"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                         for name, data in files.items() if name != "manifest.json"]
    files["manifest.json"] = json.dumps(manifest).encode()


def leftovers(instance) -> list[str]:
    return [p.name for folder in instance.values() if folder.exists() for p in folder.iterdir()
            if p.name.startswith((".restore-", ".replaced-"))]


# --- the round trip ---------------------------------------------------------------------------------

def test_round_trip_brings_back_the_case_its_evidence_and_a_passing_notary_audit(world, instance, tmp_path):
    archive = back_up(tmp_path)
    case_ref = world["case"].ref

    wipe_database()
    wipe_files(instance)
    assert "portal_case" not in connection.introspection.table_names()
    assert not database_has_data()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Restored" in out.getvalue()

    case = Case.objects.get(ref=case_ref)
    assert case.state == "submitted" and case.created_by.full_name == "王小明"
    assert User.objects.get(pk=world["claimant"].pk).check_password("pw-123456!")
    for uid, original in world["items"].items():
        item = NotaryItem.objects.get(uid=uid)
        with item.file.open("rb") as fh:
            stored = fh.read()
        assert stored == original
        assert hashlib.sha256(stored).hexdigest() == item.sha256  # the bytes hash to the notarised hash
    assert CustodyEvent.objects.filter(action=CustodyEvent.Action.DOWNLOADED, ip="203.0.113.7").exists()
    assert LogLeaf.objects.count() == world["leaves"]
    assert Checkpoint.objects.order_by("-size").first().note == world["checkpoint"]
    # The same log key: checkpoints signed before the backup still verify with the published key.
    assert (instance["notary"] / "log-ed25519.pem").read_bytes() == world["log_key"]
    assert log_verifier_key() == world["vkey"]
    assert stat.S_IMODE((instance["notary"] / "log-ed25519.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((instance["notary"] / "pki").stat().st_mode) == 0o700
    assert (instance["media"] / "images" / "neutral.png").read_bytes() == MEDIA_BYTES
    assert audit() == []
    call_command("notary_audit", stdout=io.StringIO())  # raises CommandError on any mismatch
    assert leftovers(instance) == []


def test_the_archive_is_private_and_its_manifest_hashes_every_file(world, instance, tmp_path):
    archive = back_up(tmp_path)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    checksum = archive.with_name(archive.name + ".sha256").read_text().split()
    assert checksum == [hashlib.sha256(archive.read_bytes()).hexdigest(), archive.name]
    files = members(archive)
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["database"]["engine"] == connection.vendor
    assert {e["name"]: e["sha256"] for e in manifest["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    stored = {NotaryItem.objects.get(uid=uid).file.name for uid in world["items"]}
    assert {f"files/private/{name}" for name in stored} <= set(files)
    assert "files/notary/log-ed25519.pem" in files and "files/notary/pki/signing-key.pem" in files
    assert "files/media/images/neutral.png" in files


# --- refusals: nothing changes -----------------------------------------------------------------------

def test_a_database_with_data_is_not_overwritten_without_force(world, instance, tmp_path):
    archive = back_up(tmp_path)
    later = CaseFactory(created_by=world["claimant"], complete=True)
    (instance["private"] / "written-later").write_bytes(b"x")

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Case.objects.filter(pk=later.pk).exists()
    assert (instance["private"] / "written-later").exists() and leftovers(instance) == []

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert not Case.objects.filter(pk=later.pk).exists()  # the instance is the archive's again
    assert not (instance["private"] / "written-later").exists()
    assert Case.objects.filter(pk=world["case"].pk).exists() and audit() == []


@pytest.mark.parametrize("damage", ["file bytes", "dump bytes", "manifest hash", "missing member", "extra member",
                                    "no manifest", "unsafe name", "symlink", "other format"])
def test_a_damaged_or_unsafe_archive_is_refused_before_anything_changes(world, instance, tmp_path, damage):
    archive = back_up(tmp_path)
    evidence = next(n for n in members(archive) if n.startswith("files/private/"))
    dump = json.loads(members(archive)["manifest.json"])["database"]["member"]
    bad = tmp_path / "bad.tar.gz"
    if damage == "symlink":
        with tarfile.open(bad, "w:gz") as tar:
            for name, data in members(archive).items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            link = tarfile.TarInfo("files/notary/evil")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(link)
    else:
        def change(files):
            if damage == "file bytes":
                files[evidence] = files[evidence][:-1] + b"X"
            elif damage == "dump bytes":
                files[dump] = files[dump][:100] + b"\x00" + files[dump][101:]
            elif damage == "manifest hash":
                manifest = json.loads(files["manifest.json"])
                manifest["files"][1]["sha256"] = "0" * 64
                files["manifest.json"] = json.dumps(manifest).encode()
            elif damage == "missing member":
                del files[evidence]
            elif damage == "extra member":
                files["files/private/smuggled"] = b"not in the manifest"
            elif damage == "no manifest":
                del files["manifest.json"]
            elif damage == "unsafe name":
                files["files/private/../../escaped"] = b"x"
                with_manifest_updated(files)
            elif damage == "other format":
                manifest = json.loads(files["manifest.json"])
                manifest["format"] = "something-else"
                files["manifest.json"] = json.dumps(manifest).encode()
        rewrite(archive, bad, change)
    later = CaseFactory(created_by=world["claimant"], complete=True)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))

    with pytest.raises(CommandError):
        call_command("restore", str(bad), force=True, stdout=io.StringIO())
    assert Case.objects.filter(pk=later.pk).exists()  # the database was not touched
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before  # nor any file
    assert audit() == []


def test_an_archive_of_the_other_database_engine_is_refused(world, instance, tmp_path):
    archive = back_up(tmp_path)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    member = {"sqlite": "database/portal.sqlite3", "postgresql": "database/portal.pgdump"}

    def change(files):
        manifest = json.loads(files["manifest.json"])
        files[member[other]] = files.pop(manifest["database"]["member"])
        manifest["database"] = {"engine": other, "member": member[other]}
        files["manifest.json"] = json.dumps(manifest).encode()
        with_manifest_updated(files)

    bad = rewrite(archive, tmp_path / "other.tar.gz", change)
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(bad), force=True, stdout=io.StringIO())
    assert Case.objects.filter(pk=world["case"].pk).exists()


# --- a failing restore leaves no half database ------------------------------------------------------

def test_an_unusable_database_dump_fails_before_the_database_or_files_change(world, instance, tmp_path):
    archive = back_up(tmp_path)

    def change(files):
        dump = json.loads(files["manifest.json"])["database"]["member"]
        files[dump] = files[dump][: len(files[dump]) // 2]  # truncated, listed with its new hash
        with_manifest_updated(files)

    bad = rewrite(archive, tmp_path / "truncated.tar.gz", change)
    later = CaseFactory(created_by=world["claimant"], complete=True)
    (instance["private"] / "written-later").write_bytes(b"x")
    with pytest.raises(CommandError):
        call_command("restore", str(bad), force=True, stdout=io.StringIO())
    assert Case.objects.filter(pk=later.pk).exists() and Case.objects.count() == 2
    assert (instance["private"] / "written-later").exists() and leftovers(instance) == []
    assert audit() == []


def test_a_restore_that_fails_at_its_last_statement_is_rolled_back_entirely(world, instance, tmp_path, monkeypatch):
    """PostgreSQL: every table dropped, re-created and filled, then an error: nothing of it stays."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's backup API copies all pages in one step; there is no statement to fail")
    archive = back_up(tmp_path)
    real_run_tool = restore_module.run_tool

    def failing_at_the_end(args, *, what):
        if Path(args[0]).name == "psql":
            script = Path(args[args.index("--file") + 1])
            with script.open("a") as fh:
                fh.write("\nSELECT 1 / 0;\n")
        return real_run_tool(args, what=what)

    monkeypatch.setattr(restore_module, "run_tool", failing_at_the_end)
    later = CaseFactory(created_by=world["claimant"], complete=True)
    with pytest.raises(CommandError, match="division by zero"):
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert Case.objects.filter(pk=later.pk).exists() and Case.objects.count() == 2
    assert NotaryItem.objects.count() == 2 and audit() == []
    assert leftovers(instance) == []


def test_the_log_key_is_restored_even_when_it_lives_outside_the_notary_folder(world, instance, tmp_path, settings):
    key_file = tmp_path / "keys" / "log.pem"
    key_file.parent.mkdir()
    key_file.write_bytes(world["log_key"])
    settings.NOTARY_LOG_KEY_FILE = str(key_file)
    reset_caches()
    assert log_signing_key() is not None
    archive = back_up(tmp_path)
    assert "files/notary-log-key/log.pem" in members(archive)
    wipe_database()
    key_file.unlink()
    call_command("restore", str(archive), stdout=io.StringIO())
    assert key_file.read_bytes() == world["log_key"]
    assert log_verifier_key() == world["vkey"] and audit() == []
