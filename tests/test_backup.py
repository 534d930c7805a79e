"""Backup and restore (plans.backup): the drill of README "备份与恢复" — back up a portal, wipe it, restore it,
and find the same rows, the same files and a portal that serves them; and every refusal, in Chinese, before
anything is changed. The drill runs manage.py in subprocesses against a portal of its own (tests/sites.py):
SQLite here, PostgreSQL (pg_dump) in the suite's PostgreSQL round."""

import hashlib
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from plans.backup import files as backup_files
from plans.backup.manifest import BackupError, row_counts
from plans.backup.run import backup, restore
from plans.models import Evidence, Plan
from tests.helpers import milestone_led_by, pdf_upload, submit
from tests.sites import Site, on_postgres

SERVE = """
import hashlib, json
from django.test import Client
from plans.models import Evidence
seen = []
for evidence in Evidence.objects.select_related("report").order_by("pk"):
    client = Client()
    client.force_login(evidence.uploaded_by)
    page = client.get(f"/tasks/{evidence.report.milestone_id}/")
    download = client.get(f"/evidence/{evidence.pk}/")
    body = b"".join(download.streaming_content) if download.status_code == 200 else b""
    seen.append({
        "page": page.status_code, "named": evidence.original_name in page.content.decode(),
        "download": download.status_code, "name": evidence.file.name, "sha256": hashlib.sha256(body).hexdigest(),
    })
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("drill"), "drill")
    site.build()
    yield site
    site.drop()


def test_restore_drill_back_up_wipe_restore_and_the_portal_serves_the_same_rows_and_files(site, capsys):
    target = site.folder / "backup"
    made = site.manage("backup", str(target))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["method"] == ("pg_dump" if on_postgres() else "sqlite")
    rows_before = manifest["rows"]
    files_before = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    # What the manifest says is what was there: three evidence files, each hashed here independently.
    assert len(files_before) == 3 and rows_before["plans.Evidence"] == 3 and rows_before["plans.Plan"] == 3
    for name, digest in files_before.items():
        assert hashlib.sha256((site.folder / "media" / name).read_bytes()).hexdigest() == digest

    site.wipe()
    assert not (site.folder / "media").exists()
    restored = site.manage("restore", str(target))

    counted = json.loads(
        site.python("import json; from plans.backup import manifest; print(json.dumps(manifest.row_counts()))")
    )
    assert counted == rows_before
    after = {
        path.relative_to(site.folder / "media").as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (site.folder / "media").rglob("*")
        if path.is_file()
    }
    assert after == files_before
    served = json.loads(site.python(SERVE))
    assert [(s["page"], s["named"], s["download"]) for s in served] == [(200, True, 200)] * 3
    assert {s["name"]: s["sha256"] for s in served} == files_before
    with capsys.disabled():
        method, tables = manifest["database"]["method"], len(rows_before)
        print(
            f"\n恢复演练（{method}）：{tables} 张表，行数 备份前 {sum(rows_before.values())}"
            f" / 恢复后 {sum(counted.values())}；文件 备份前 {len(files_before)} / 恢复后 {len(after)}"
            "（SHA-256 全部一致）"
        )
        print("  " + made.stdout.strip() + "\n  " + restored.stdout.strip())


def test_a_json_backup_restores_into_an_empty_database_too(site):
    # The portable way (dumpdata with natural keys): the same rows, content types and permissions made again.
    target = site.folder / "backup-json"
    site.manage("backup", str(target), "--method", "json")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    site.wipe()
    result = site.manage("restore", str(target))
    assert "恢复后" in result.stdout
    counted = json.loads(
        site.python("import json; from plans.backup import manifest; print(json.dumps(manifest.row_counts()))")
    )
    assert counted == manifest["rows"]


# ---- Refusals, on the suite's own database: each says what is wrong, in Chinese, and changes nothing ----


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def made_backup(media, tmp_path):
    milestone = milestone_led_by("区人力资源和社会保障局")
    from django.contrib.auth import get_user_model

    submit(get_user_model().objects.get(username="liaison_hr"), milestone, files=[(pdf_upload(), "pdf")])
    target = tmp_path / "backup"
    # json: the suite's database is inside the test's open transaction, which SQLite's backup API waits on.
    summary = backup(target, method="json")
    return target, summary


def refused(directory, *args) -> str:
    before = row_counts()
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(directory), *args)
    assert row_counts() == before
    return str(caught.value)


@pytest.mark.django_db(transaction=on_postgres())
def test_a_missing_directory_is_refused(tmp_path):
    assert refused(tmp_path / "nowhere") == f"备份目录不存在：{tmp_path / 'nowhere'}"


@pytest.mark.django_db
def test_a_directory_without_a_manifest_or_with_another_one_is_refused(tmp_path):
    assert "没有 manifest.json，不是本系统的备份目录" in refused(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": "other"}', encoding="utf-8")
    assert "不是本系统的备份清单" in refused(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    assert "不是有效的 JSON" in refused(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": "talentplan-backup", "version": 9}', encoding="utf-8")
    assert "只能恢复版本 1 的备份" in refused(tmp_path)


@pytest.mark.django_db
def test_a_database_that_holds_data_is_not_overwritten_without_force(made_backup):
    target, summary = made_backup
    assert summary["rows"]["plans.Plan"] == Plan.objects.count() > 0
    assert "当前数据库中已有数据" in refused(target) and "--force" in refused(target)


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_changes(made_backup, media):
    target, summary = made_backup
    (name,) = [entry["name"] for entry in summary["files"]]
    (target / "files" / name).write_bytes(b"%PDF-1.4 tampered")
    assert f"备份中的文件 {name} 校验和与清单不符" in refused(target, "--force")
    (target / "files" / name).unlink()
    assert f"备份中缺少文件 {name}" in refused(target, "--force")
    database_file = target / summary["database"]["file"]
    database_file.write_bytes(database_file.read_bytes() + b"x")
    assert "校验和与清单不符" in refused(target, "--force")
    assert Evidence.objects.filter(file=name).exists() and (media / name).exists()


@pytest.mark.django_db
def test_a_manifest_naming_a_file_outside_the_backup_is_refused(made_backup):
    target, _ = made_backup
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = [{"name": "../../etc/passwd", "sha256": "0" * 64}]
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "备份清单中的文件名无效" in refused(target, "--force")


@pytest.mark.django_db
def test_backup_refuses_a_directory_that_is_not_empty(made_backup, tmp_path):
    target, _ = made_backup
    with pytest.raises(BackupError, match="已存在且不是空目录"):
        backup(target)
    with pytest.raises(CommandError, match="已存在且不是空目录"):
        call_command("backup", str(target))


@pytest.mark.django_db
def test_the_backup_lists_every_stored_file_with_its_checksum_and_skips_import_previews(made_backup, media):
    target, summary = made_backup
    (media / "imports").mkdir(parents=True, exist_ok=True)
    (media / "imports" / ("a" * 32 + ".json")).write_text("{}")
    names = backup_files.stored_names()
    assert [entry["name"] for entry in summary["files"]] == [n for n in names if not n.startswith("imports/")]
    for entry in summary["files"]:
        assert entry["sha256"] == hashlib.sha256((media / entry["name"]).read_bytes()).hexdigest()
    shutil.rmtree(media / "imports")


@pytest.mark.django_db
def test_a_backup_from_a_newer_version_is_refused(made_backup):
    target, _ = made_backup
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["migrations"]["plans"].append("0999_from_the_future")
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="来自更新版本的程序"):
        restore(target, force=True)
