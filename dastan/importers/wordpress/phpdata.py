"""Read the PHP-serialized arrays multilingual plugins keep in term descriptions.

Polylang stores a translation group as a term whose description is
``maybe_serialize(array('en' => 12, 'ru' => 14))``:
``a:2:{s:2:"en";i:12;s:2:"ru";i:14;}``, and a language term's description
holds ``locale``, ``rtl`` and ``flag_code`` the same way. Only the plain
forms are read (arrays, strings, integers, floats, booleans and null);
objects and references (``O:``, ``C:``, ``r:``, ``R:``) are refused, so
nothing in an export can name a class or point into the parser's state.
Nothing is ever evaluated: this is a strict recursive-descent reader with
limits on size and depth.
"""

from __future__ import annotations

import re

__all__ = ["PhpDataError", "php_unserialize"]

MAX_LENGTH = 100_000
MAX_DEPTH = 8
_INT = re.compile(rb"-?\d{1,19}")
_FLOAT = re.compile(rb"-?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|INF)|NAN")
_COUNT = re.compile(rb"\d{1,7}")

PhpValue = dict | str | int | float | bool | None


class PhpDataError(ValueError):
    """The text is not a serialized PHP value of the plain kinds read here."""


def php_unserialize(text: str) -> PhpValue:
    """Return the value ``text`` serializes; arrays become dicts (keys int or str).

    Raise ``PhpDataError`` on anything else, trailing bytes included.
    """
    data = text.encode("utf-8")
    if len(data) > MAX_LENGTH:
        raise PhpDataError(f"over {MAX_LENGTH} bytes")
    reader = _Reader(data)
    value = reader.value(depth=0)
    if reader.pos != len(data):
        raise PhpDataError(f"unexpected data at byte {reader.pos}")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def expect(self, token: bytes) -> None:
        if not self.data.startswith(token, self.pos):
            raise PhpDataError(f"expected {token.decode()!r} at byte {self.pos}")
        self.pos += len(token)

    def match(self, pattern: re.Pattern[bytes], what: str) -> bytes:
        found = pattern.match(self.data, self.pos)
        if not found:
            raise PhpDataError(f"expected {what} at byte {self.pos}")
        self.pos = found.end()
        return found.group()

    def value(self, *, depth: int) -> PhpValue:
        kind = self.data[self.pos : self.pos + 2]
        if kind == b"N;":
            self.pos += 2
            return None
        self.pos += 2
        if kind == b"i:":
            number = int(self.match(_INT, "an integer"))
            self.expect(b";")
            return number
        if kind == b"b:":
            flag = self.match(re.compile(rb"[01]"), "0 or 1")
            self.expect(b";")
            return flag == b"1"
        if kind == b"d:":
            number = float(self.match(_FLOAT, "a number"))
            self.expect(b";")
            return number
        if kind == b"s:":
            return self.string()
        if kind == b"a:":
            return self.array(depth=depth)
        found = kind.decode(errors="replace")
        raise PhpDataError(f"unsupported value {found!r} at byte {self.pos - 2}")

    def string(self) -> str:
        length = int(self.match(_COUNT, "a length"))
        self.expect(b':"')
        end = self.pos + length
        if end > len(self.data):
            raise PhpDataError("string runs past the end")
        raw = self.data[self.pos : end]
        self.pos = end
        self.expect(b'";')
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PhpDataError("string is not UTF-8 (or its length is wrong)") from exc

    def array(self, *, depth: int) -> dict:
        if depth >= MAX_DEPTH:
            raise PhpDataError(f"arrays nested over {MAX_DEPTH} deep")
        count = int(self.match(_COUNT, "a count"))
        self.expect(b":{")
        result: dict = {}
        for _ in range(count):
            if self.data.startswith(b"i:", self.pos) or self.data.startswith(b"s:", self.pos):
                key = self.value(depth=depth + 1)
            else:
                raise PhpDataError(f"an array key must be an integer or a string (byte {self.pos})")
            result[key] = self.value(depth=depth + 1)
        self.expect(b"}")
        return result
