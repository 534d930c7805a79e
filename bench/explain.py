"""EXPLAIN ANALYZE for the slow queries (≥ 50 ms) a result file recorded:
`python bench/explain.py bench/results/10k-….json` writes bench/results/<same name>.explain.md."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(path: str, limit: int = 6):
    result_path = Path(path)
    result = json.loads(result_path.read_text())
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/talentplan_bench_{result['scale']}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connection

    seen, slow = set(), []
    for page in result.get("pages", []):
        for query in page.get("slow_queries", []):
            if query["sql"] not in seen:
                seen.add(query["sql"])
                slow.append((query["ms"], page["key"], query["sql"]))
    slow.sort(reverse=True)
    lines = [f"# Slow queries at {result['scale']} ({result['started_at']}), EXPLAIN (ANALYZE, BUFFERS)\n"]
    with connection.cursor() as cursor:
        for ms, page, sql in slow[:limit]:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            lines += [f"## {page}: {ms} ms in the benchmark\n", "```sql", sql[:3000], "```", "```", plan, "```\n"]
    output = result_path.with_suffix(".explain.md")
    output.write_text("\n".join(lines))
    print(f"已写入 {output}（{min(limit, len(slow))} 条）")


if __name__ == "__main__":
    main(sys.argv[1])
