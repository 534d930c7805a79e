"""The load test's think time: drawn ±50 % from a fixed seed, and each table row says which mode it is."""

import random

from bench import load, table

LOAD = {
    "p95_s": 1.2,
    "p50_s": 0.4,
    "p99_s": 1.9,
    "throughput_rps": 8.1,
    "errors": 0,
    "lost_writes": 0,
    "successful_posts": 40,
}


def test_think_times_stay_within_half_either_side_and_repeat_with_the_seed(monkeypatch):
    def waits(seed):
        slept = []
        monkeypatch.setattr(load.time, "sleep", slept.append)
        rng = random.Random(seed)
        stop_at = load.time.monotonic() + 3600
        load._pause(rng, 5.0, stop_at, first=True)
        for _ in range(200):
            load._pause(rng, 5.0, stop_at)
        return slept

    first = waits(1)
    assert 0 <= first[0] < 5  # the staggered start
    assert all(2.5 <= s <= 7.5 for s in first[1:]) and 4.5 < sum(first[1:]) / 200 < 5.5
    assert waits(1) == first and waits(2) != first


def test_no_think_time_means_no_wait(monkeypatch):
    slept = []
    monkeypatch.setattr(load.time, "sleep", slept.append)
    load._pause(random.Random(1), 0, load.time.monotonic() + 60)
    assert slept == []


def test_each_load_row_names_its_mode():
    thinking = {**LOAD, "mode": "think", "think_s": 5.0, "think_spread": 0.5}
    assert table.load_cell(thinking).startswith("思考 5 s ±50%：p95 **1.2 s** ✓")
    # Results written before think times existed were stress runs.
    assert table.load_cell({**LOAD, "p95_s": 21.0}).startswith("无思考时间（压力）：p95 **21.0 s** ✗")


def test_the_stress_row_appears_only_when_measured():
    result = {
        "started_at": "2026-11-22T07:00:00",
        "runs": 1,
        "machine": {"commit": "x", "database": "PostgreSQL", "cpus": 2, "loadavg_at_start": [1], "loadavg_at_end": [1]},
        "load": {**LOAD, "think_s": 5.0, "think_spread": 0.5},
    }
    assert "压力测试" not in table.build_table({"10k": result})
    stressed = table.build_table({"10k": {**result, "load_stress": {**LOAD, "think_s": 0, "p95_s": 30.0}}})
    assert "| 同上，压力测试（无思考时间） | 仅供参考 | 无思考时间（压力）：p95 **30.0 s** ✗" in stressed
