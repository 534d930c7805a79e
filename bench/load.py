"""50 logged-in users against gunicorn (2 sync workers) on loopback for 60 s; 10 of them write reports.

Each user waits a think time between requests (`think` seconds, drawn ±50 % from a fixed seed, and a
random first start so the users do not arrive in step). think=0 is the stress test: every user sends
its next request the moment the last one returns.

Stdlib only: one thread per user, http.client, a new connection per request (sync workers close it).
Users are signed in by creating their sessions directly, so the test measures pages, not password hashing.
"""

import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from bench.context import led_milestones
from bench.resolve import find_url
from plans.models import ProgressReport

MARKER = "【压测写入】"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
REQUEST_TIMEOUT = 90
THINK_SPREAD = 0.5  # a think time of t seconds is drawn uniformly from t·(1 ± THINK_SPREAD)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.errors, self.error_samples = [], 0, []
        self.posts_ok = 0

    def record(self, seconds, ok, detail=""):
        with self.lock:
            self.latencies.append(seconds)
            if not ok:
                self.errors += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(detail)


def _request(port, method, path, cookie, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def _pause(rng, think, stop_at, first=False):
    """Think time before the next request; the first pause is anywhere in [0, think) to stagger starts."""
    if think <= 0:
        return
    seconds = rng.uniform(0, think) if first else rng.uniform(think * (1 - THINK_SPREAD), think * (1 + THINK_SPREAD))
    time.sleep(max(0.0, min(seconds, stop_at - time.monotonic())))


def _user_loop(port, cookie, paths, stop_at, stats, writer=None, think=0.0, rng=None):
    step = 0
    _pause(rng, think, stop_at, first=True)
    while time.monotonic() < stop_at:
        if step:
            _pause(rng, think, stop_at)
            if time.monotonic() >= stop_at:
                break
        if writer and step % 2 == 1:
            _write_report(port, cookie, writer, stats)
        else:
            path = paths[step % len(paths)]
            started = time.monotonic()
            try:
                status, _, _ = _request(port, "GET", path, cookie)
                stats.record(time.monotonic() - started, status == 200, f"GET {path} → {status}")
            except OSError as exc:
                stats.record(time.monotonic() - started, False, f"GET {path} → {type(exc).__name__}")
        step += 1


def _write_report(port, cookie, writer, stats):
    """GET the detail page (CSRF token and cookie), then POST the real report form."""
    detail, action = writer
    started = time.monotonic()
    try:
        status, body, set_cookie = _request(port, "GET", detail, cookie)
        stats.record(time.monotonic() - started, status == 200, f"GET {detail} → {status}")
        token = CSRF_FIELD.search(body)
        csrf_cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
        if status != 200 or not token:
            return
        cookies = cookie + (f"; csrftoken={csrf_cookie[1]}" if csrf_cookie else "")
        form = {
            "csrfmiddlewaretoken": token[1].decode(),
            "status": "in_progress",
            "percent": "50",
            "narrative": f"{MARKER}按计划推进，本周完成阶段性工作。",
            "occurrence": "",
        }
        started = time.monotonic()
        status, _, _ = _request(
            port,
            "POST",
            action,
            cookies,
            body=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        ok = status == 302
        stats.record(time.monotonic() - started, ok, f"POST {action} → {status}")
        if ok:
            with stats.lock:
                stats.posts_ok += 1
    except OSError as exc:
        stats.record(time.monotonic() - started, False, f"POST {action} → {type(exc).__name__}")


def _flows(ctx, users_by_role):
    """(user, paths, writer) for 50 users: 25 liaisons (10 of them writing), 15 staff, 10 leaders."""
    plan = ctx.largest_plan
    tasks = find_url(["plans:task_list"]) or "/tasks/"
    staff_paths = [
        tasks,
        f"{tasks}?q={urllib.parse.quote(ctx.search)}",
        find_url(["plans:review_queue"]) or "/reviews/",
        find_url(["plans:milestone"], {"pk": ctx.hot_milestone_id}),
        (find_url(["plans:dashboard"]) or "/dashboard/") + f"?plan={plan.pk}",
    ]
    leader_paths = [
        find_url(["plans:dashboard"]) or "/dashboard/",
        f"{tasks}?sort=next_due",
        find_url(["plans:plan"], {"code": plan.code}),
    ]
    flows = []
    liaisons = users_by_role["liaison"]
    for n in range(25):  # small scales have fewer liaisons than 25: some sign in twice
        liaison = liaisons[n % len(liaisons)]
        own = led_milestones(liaison, 3)
        paths = [find_url(["plans:my_tasks"]) or "/my/", f"{tasks}?page=2", find_url(["plans:notifications"])]
        paths += [find_url(["plans:milestone"], {"pk": pk}) for pk in own[:1]]
        writer = None
        if n < min(10, len(liaisons)) and own:
            writer = (find_url(["plans:milestone"], {"pk": own[0]}), find_url(["plans:report_create"], {"pk": own[0]}))
        flows.append((liaison, [p for p in paths if p], writer))
    flows += [(users_by_role["staff"][n % len(users_by_role["staff"])], staff_paths, None) for n in range(15)]
    flows += [(users_by_role["leader"][n % len(users_by_role["leader"])], leader_paths, None) for n in range(10)]
    return flows


def run_load(
    ctx, users_by_role, database_url: str, seconds: int = 60, log=print, think: float = 0.0, seed: int = 1
) -> dict:
    port = _free_port()
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url}
    gunicorn = [sys.executable, "-m", "gunicorn", "talentplan.wsgi", "-w", "2", "-k", "sync", "--timeout", "30"]
    server = subprocess.Popen(
        [*gunicorn, "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/accounts/login/", "")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn 未能启动")
            time.sleep(0.3)
        flows = _flows(ctx, users_by_role)
        writers = [flow for flow in flows if flow[2]]
        written_ids = [int(re.search(r"/(\d+)/", w[2][0])[1]) for w in writers]
        before = ProgressReport.objects.filter(milestone_id__in=written_ids).count()
        stats = Stats()
        cookies = [_session_cookie(user) for user, _, _ in flows]
        log(
            f"  gunicorn 已在 127.0.0.1:{port} 启动；{len(flows)} 个用户，"
            f"其中 {len(writers)} 个同时写入，持续 {seconds} 秒，"
            + (f"思考时间 {think:g} 秒（±{THINK_SPREAD:.0%}）" if think > 0 else "无思考时间（压力测试）")
        )
        started = time.monotonic()
        stop_at = started + seconds
        threads = [
            threading.Thread(
                target=_user_loop,
                args=(port, cookie, paths, stop_at, stats, writer, think, random.Random(seed * 1000 + n)),
                daemon=True,
            )
            for n, (cookie, (_, paths, writer)) in enumerate(zip(cookies, flows, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + REQUEST_TIMEOUT + 30)
        elapsed = time.monotonic() - started
        after = ProgressReport.objects.filter(milestone_id__in=written_ids).count()
        latencies = sorted(stats.latencies)

        def pct(p):
            return round(latencies[min(len(latencies) - 1, round(p * (len(latencies) - 1)))], 2) if latencies else None

        result = {
            "mode": "think" if think > 0 else "stress",
            "think_s": think,
            "think_spread": THINK_SPREAD if think > 0 else 0,
            "think_seed": seed,
            "users": len(flows),
            "writers": len(writers),
            "seconds": round(elapsed, 1),
            "requests": len(latencies),
            "throughput_rps": round(len(latencies) / elapsed, 2),
            "errors": stats.errors,
            "error_samples": stats.error_samples,
            "p50_s": pct(0.5),
            "p95_s": pct(0.95),
            "p99_s": pct(0.99),
            "mean_s": round(statistics.mean(latencies), 2) if latencies else None,
            "successful_posts": stats.posts_ok,
            "reports_written": after - before,
            "lost_writes": stats.posts_ok - (after - before),
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    # Leave the bench database as it was: the load test's reports (and their history rows) go.
    ProgressReport.objects.filter(narrative__startswith=MARKER).delete()
    ProgressReport.history.filter(narrative__startswith=MARKER).delete()
    return result
