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
