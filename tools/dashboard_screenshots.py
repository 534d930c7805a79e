"""The leader's dashboard, first screen only, at 1366×768 and 390×844, on `make run`'s data.

Builds a throwaway portal (a temporary SQLite and var directory: migrate, loadplans, demo_accounts,
demo_progress), serves it with runserver, signs in as the demo leader in headless Chromium and writes
docs/screenshots/dashboard-1366.png and dashboard-390.png (the viewport, not the full page).

    .venv/bin/python tools/dashboard_screenshots.py [output directory]
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SIZES = [(1366, 768), (390, 844)]
SETUP = [["migrate", "--noinput", "-v0"], ["loadplans"], ["demo_accounts"], ["demo_progress"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, seconds=60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver 已退出（返回码 {server.returncode}）")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"runserver 在 {seconds} 秒内未就绪")


def shoot(base: str, out: Path, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "leader")
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.goto(f"{base}/dashboard/")
            page.wait_for_load_state("networkidle")
            widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if widths[0] > widths[1]:
                print(f"警告：{width} px 宽时仪表盘横向滚动（{widths[0]} > {widths[1]}）", file=sys.stderr)
            path = out / f"dashboard-{width}.png"
            page.screenshot(path=str(path), full_page=False)  # the first screen, as a leader opens it
            written.append(path)
            page.close()
        browser.close()
    return written


def demo_password() -> str:
    """The demo accounts' password, from the one place that sets it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentplan.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from plans.demo.accounts import DEMO_PASSWORD

    return DEMO_PASSWORD


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="talentplan-shots-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "TALENTPLAN_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'talentplan.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    server = None
    try:
        for command in SETUP:
            subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            manage + ["runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(port, server)
        for path in shoot(f"http://127.0.0.1:{port}", out, demo_password()):
            print(path)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
