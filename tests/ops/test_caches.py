"""Cache hits and misses counted by key family."""

from __future__ import annotations

import threading

from prometheus_client import REGISTRY

from dastan.ops.caches import FileBasedCache, LocMemCache, key_family


def count(family: str, result: str) -> float:
    value = REGISTRY.get_sample_value(
        "dastan_cache_requests_total", {"family": family, "result": result}
    )
    return value or 0.0


class CacheCountTests:
    def test_hits_and_misses_by_family(self):
        cache = LocMemCache("ops-test", {})
        hits, misses = count("web:fragment", "hit"), count("web:fragment", "miss")
        assert cache.get("web:fragment:en:1.2:home") is None
        cache.set("web:fragment:en:1.2:home", "<ul>")
        assert cache.get("web:fragment:en:1.2:home") == "<ul>"
        assert cache.get("web:fragment:en:1.2:home", version=2) is None
        assert count("web:fragment", "hit") == hits + 1
        assert count("web:fragment", "miss") == misses + 2

    def test_get_many_counts_each_key_once(self):
        cache = LocMemCache("ops-test-many", {})
        cache.set("content:version", 1)
        hits, misses = count("content:version", "hit"), count("content:version", "miss")
        assert cache.get_many(["content:version", "content:version:ru"]) == {"content:version": 1}
        assert count("content:version", "hit") == hits + 1
        assert count("content:version", "miss") == misses + 1

    def test_a_stored_none_or_false_is_a_hit(self):
        cache = LocMemCache("ops-test-none", {})
        cache.set("web:navigation:en", False)
        hits = count("web:navigation", "hit")
        assert cache.get("web:navigation:en", "default") is False
        assert count("web:navigation", "hit") == hits + 1

    def test_families_stay_few(self):
        assert key_family("dastan:rates:ticker") == "dastan:rates"
        assert key_family("content:version:ru") == "content:version"
        assert key_family(":1:odd") == "other"
        assert key_family("Home Page 7") == "other"


class FileAddTests:
    """The file cache's add is the rebuild lock of every worker of an embedded site."""

    def test_of_many_threads_adding_one_key_exactly_one_wins(self, tmp_path):
        cache = FileBasedCache(str(tmp_path), {})
        for round_ in range(20):
            start = threading.Barrier(8)
            won = []

            def add(name=f"lock-{round_}", start=start, won=won):
                start.wait()
                if cache.add(name, threading.get_ident(), 10):
                    won.append(name)

            threads = [threading.Thread(target=add) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(won) == 1

    def test_an_expired_entry_is_replaced(self, tmp_path):
        cache = FileBasedCache(str(tmp_path), {})
        assert cache.add("lock", 1, -1)
        assert cache.add("lock", 2, 10)
        assert not cache.add("lock", 3, 10)
        assert cache.get("lock") == 2
        assert len(list(tmp_path.iterdir())) == 1  # no written-aside copy is left
