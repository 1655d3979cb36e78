import os

import pytest

from dastan.importers.forked import ReadingProcessError, items_forked


class ItemsForkedTests:
    def test_items_come_in_order_from_another_process(self):
        parent = os.getpid()
        with items_forked(lambda: ((i, os.getpid()) for i in range(5)), name="t") as items:
            got = list(items)
        assert [i for i, _ in got] == [0, 1, 2, 3, 4]
        assert {pid for _, pid in got} != {parent}

    def test_an_error_is_raised_here_with_the_childs_traceback(self):
        def produce():
            yield 1
            raise ValueError("line 7 is bad")

        with items_forked(produce, name="t") as items, pytest.raises(ValueError) as caught:
            list(items)
        assert "In the reading process" in "".join(caught.value.__notes__)

    def test_a_child_that_dies_without_a_word_is_reported(self):
        def produce():
            yield 1
            os._exit(3)

        with items_forked(produce, name="t") as items, pytest.raises(ReadingProcessError):
            list(items)

    def test_what_the_producer_returns_reaches_on_done_after_the_last_item(self):
        """The child's result (the WordPress reader's media findings) comes back at the end."""
        seen: list[object] = []

        def produce():
            yield "a"
            yield "b"
            return {"pid": os.getpid()}

        with items_forked(produce, name="t", on_done=seen.append) as items:
            first = next(items)
            assert first == "a" and seen == []
            rest = list(items)
        assert rest == ["b"]
        assert seen[0]["pid"] != os.getpid()

    def test_errors_name_the_process_they_came_from(self):
        def produce():
            raise KeyError("missing")
            yield

        with (
            items_forked(produce, name="t", where="the export reader") as items,
            pytest.raises(KeyError) as caught,
        ):
            list(items)
        assert "In the export reader" in "".join(caught.value.__notes__)
