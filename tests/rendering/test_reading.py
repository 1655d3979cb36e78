from __future__ import annotations

from dastan.rendering.reading import reading_time


class ReadingTimeTests:
    def test_rounds_up(self) -> None:
        """201 words at 200 words a minute take two minutes."""
        assert reading_time("<p>" + "word " * 201 + "</p>") == 2
        assert reading_time("<p>" + "word " * 200 + "</p>") == 1

    def test_at_least_one_minute(self) -> None:
        """An empty or tiny body still reads as one minute."""
        assert reading_time("") == 1
        assert reading_time("<p>Hi</p>") == 1

    def test_custom_speed(self) -> None:
        """words_per_minute changes the pace."""
        assert reading_time("word " * 300, words_per_minute=100) == 3

    def test_captions_not_counted(self) -> None:
        """Caption text and shortcodes do not count as words to read."""
        caption = '[caption width="1"]<img src="/a"> ' + "cap " * 500 + "[/caption]"
        assert reading_time(caption + "word " * 10) == 1
