"""Backup and restore (README "备份与恢复"): the database and the evidence files, one command each way.

manage.py backup <dir> and manage.py restore <dir> call backup.run.backup / restore; manifest.py says what a
backup holds (row counts per table, each file's SHA-256), database.py copies the database, files.py the
evidence files in whatever storage holds them (local disk or object storage)."""
