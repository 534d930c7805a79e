#!/usr/bin/env python3
"""Smoke test of README command 1: `make run` starts, a demo liaison signs in and sees the task list.

Runs `make run` on a free port in its own process group, waits for the login page, signs in as the demo
liaison `hr`, opens /tasks/, checks the Celery worker came up, then stops the whole group (runserver, its
autoreloader child and the worker) and checks nothing is left. Exit status 0 only if every step passed;
otherwise the server and worker logs are printed.

    python3 .ci/smoke_run.py                  # any checkout
    python3 .ci/smoke_run.py --require-fresh  # CI: fail if var/ already exists (the proof needs a fresh clone)

Standard library only, so it runs before the virtualenv exists. It drops DATABASE_URL and the broker
variables: command 1 is the no-server default (SQLite, kombu's filesystem transport).
"""

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "test-artifacts" / "smoke-run.log"
USERNAME, PASSWORD, FULL_NAME = "hr", "Talentplan-demo", "区人社局 陈联络员"  # plans/demo/accounts.py


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def say(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of the group, read from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def stop_group(proc: subprocess.Popen, grace: float = 30) -> list[int]:
    """SIGTERM the whole group, wait, then SIGKILL what is left; returns what had to be killed."""
    pgid = proc.pid
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        proc.poll()
        if not group_members(pgid):
            break
        time.sleep(0.5)
    survivors = group_members(pgid)
    if survivors:
        os.killpg(pgid, signal.SIGKILL)
        time.sleep(1)
    proc.wait(timeout=10)
    return survivors


def wait_for_login_page(base: str, proc: subprocess.Popen, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise SmokeFailure(f"make run 提前退出（退出码 {proc.returncode}），门户没有启动")
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(2)
    raise SmokeFailure(f"{timeout:.0f} 秒内登录页没有出现")


def sign_in_and_open_tasks(base: str) -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
    if not token:
        raise SmokeFailure("登录页没有 CSRF 令牌")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": USERNAME, "password": PASSWORD, "next": "/tasks/"}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/"})
    with opener.open(request, timeout=60) as response:
        if urllib.parse.urlsplit(response.geturl()).path != "/tasks/":
            raise SmokeFailure(f"以 {USERNAME} 登录失败，停在 {response.geturl()}")
    with opener.open(f"{base}/tasks/", timeout=60) as response:
        body = response.read().decode()
        if response.status != 200 or urllib.parse.urlsplit(response.geturl()).path != "/tasks/":
            raise SmokeFailure(f"/tasks/ 返回 {response.status}（{response.geturl()}）")
    count = re.search(r"共 (\d+) 个节点计划", body)
    for text in ("任务清单", FULL_NAME):
        if text not in body:
            raise SmokeFailure(f"/tasks/ 页面中没有“{text}”")
    if not count or int(count.group(1)) == 0:
        raise SmokeFailure("/tasks/ 没有列出任何节点计划")
    return count.group(1)


def wait_for_worker(log: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and " ready." in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(1)
    raise SmokeFailure(f"Celery worker 没有就绪（{log}）")


def print_logs(worker_log: Path) -> None:
    for title, path in (("make run 输出", LOG), ("Celery worker 日志", worker_log)):
        print(f"----- {title}（{path}）-----")
        print(path.read_text(errors="replace") if path.exists() else "（无）")
    print("-----")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--require-fresh", action="store_true", help="fail if var/ exists before the run")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("SMOKE_TIMEOUT", 300)))
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}}
    var_dir = Path(env.get("TALENTPLAN_VAR_DIR") or ROOT / "var")
    worker_log = var_dir / "celery" / "worker.log"
    if var_dir.exists():
        if args.require_fresh:
            say(f"失败：{var_dir} 已存在，这不是全新检出")
            return 1
        say(f"{var_dir} 已存在（不是全新检出）")
    else:
        say(f"{var_dir} 不存在：从全新检出开始")

    port = int(env.get("SMOKE_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    LOG.parent.mkdir(parents=True, exist_ok=True)
    say(f"启动 make run PORT={port}（日志 {LOG.relative_to(ROOT)}）")
    with LOG.open("w") as log:
        proc = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the worker and runserver stop with it
        )
    failure = None
    try:
        seconds = wait_for_login_page(base, proc, args.timeout)
        say(f"登录页 200，用时 {seconds:.0f} 秒")
        count = sign_in_and_open_tasks(base)
        say(f"以 {USERNAME} 登录，/tasks/ 200，任务清单共 {count} 个节点计划")
        wait_for_worker(worker_log, proc)
        say("Celery worker（内嵌 beat）已就绪")
    except (SmokeFailure, OSError) as exc:
        failure = exc
    finally:
        survivors = stop_group(proc)
    if survivors:
        say(f"进程组在 SIGTERM 后仍有进程 {survivors}，已 SIGKILL")
        failure = failure or SmokeFailure("停止时有进程没有退出")
    if group_members(proc.pid):
        failure = failure or SmokeFailure("停止后仍有进程残留")
    else:
        say("已停止 make run 的整个进程组，没有残留进程")
    if failure:
        say(f"失败：{failure}")
        print_logs(worker_log)
        return 1
    say("通过")
    return 0


if __name__ == "__main__":
    sys.exit(main())
