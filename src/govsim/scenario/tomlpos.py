"""Source positions for values in TOML scenario files.

Every problem in a scenario file should be reported as one line of the form
``FILE:LINE: dotted.path: message``.  ``tomllib`` parses the files but keeps no
positions, and pydantic reports validation errors as ``loc`` tuples such as
``("leaders", 3, "substitute")``.  This module bridges the two: it re-scans the
TOML source with a small position-recording parser and maps a ``loc`` path to
the line on which the value is written (:func:`locate`).  It also extracts the
line and bare message from a :class:`tomllib.TOMLDecodeError`
(:func:`syntax_error_line`, :func:`syntax_error_message`).

The scanner does not validate anything; it is meant to run on text that
``tomllib`` already accepted, and on anything else it degrades gracefully
(skipping lines it cannot read) instead of raising.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["locate", "syntax_error_line", "syntax_error_message", "too_deep_line"]

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# A scalar that is not a string (number, boolean, date/time) never contains these.
_SCALAR_STOP = frozenset(",]}#\r\n")
_BASIC_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}
_HEX_ESCAPE_LEN = {"x": 2, "u": 4, "U": 8}
# Deep enough for any real scenario, shallow enough to stay clear of the recursion limit.
_MAX_DEPTH = 100
# Python 3.11 formats errors as "<msg> (at line L, column C)" or "<msg> (at end of document)".
_POSITION_SUFFIX = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*\Z")


class _ParseError(Exception):
    """Raised internally when the scanner cannot make sense of a statement."""


class _Node:
    """A value in the document together with the line where it is written."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line


class _Leaf(_Node):
    """A string, number, boolean or date/time."""

    __slots__ = ()


class _Table(_Node):
    """A table; ``explicit`` is False while it exists only as a prefix of a header."""

    __slots__ = ("children", "explicit")

    def __init__(self, line: int, *, explicit: bool = True) -> None:
        super().__init__(line)
        self.children: dict[str, _Node] = {}
        self.explicit = explicit


class _Array(_Node):
    """A static array or an array of tables."""

    __slots__ = ("items",)

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.items: list[_Node] = []


class _Scanner:
    """A cursor over the source text that keeps track of the current line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.line = 1

    # -- low-level cursor ------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < self.n else ""

    def at(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def eof(self) -> bool:
        return self.pos >= self.n

    def advance(self, k: int = 1) -> None:
        end = min(self.pos + k, self.n)
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def expect(self, s: str) -> None:
        if not self.at(s):
            raise _ParseError(f"expected {s!r}")
        self.advance(len(s))

    def skip_ws(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.text.find("\n", self.pos)
            self.pos = self.n if end < 0 else end

    def skip_blank(self) -> None:
        """Skip whitespace, newlines and comments (between statements, inside arrays)."""
        while True:
            c = self.peek()
            if c in (" ", "\t", "\r"):
                self.pos += 1
            elif c == "\n":
                self.pos += 1
                self.line += 1
            elif c == "#":
                self.skip_comment()
            else:
                return

    def skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = self.n if end < 0 else end

    # -- strings ---------------------------------------------------------------------

    def basic_string(self) -> str:
        """Read a single-line ``"..."`` string and return its decoded value."""
        self.expect('"')
        out: list[str] = []
        while True:
            c = self.peek()
            if c in ("", "\n"):
                raise _ParseError("unterminated string")
            self.pos += 1
            if c == '"':
                return "".join(out)
            if c != "\\":
                out.append(c)
                continue
            e = self.peek()
            if e in _BASIC_ESCAPES:
                out.append(_BASIC_ESCAPES[e])
                self.pos += 1
            elif e in _HEX_ESCAPE_LEN:
                digits = self.text[self.pos + 1 : self.pos + 1 + _HEX_ESCAPE_LEN[e]]
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError as err:
                    raise _ParseError("bad escape") from err
                self.pos += 1 + len(digits)
            else:
                raise _ParseError("bad escape")

    def literal_string(self) -> str:
        """Read a single-line ``'...'`` string and return its value."""
        self.expect("'")
        start = self.pos
        while True:
            c = self.peek()
            if c in ("", "\n"):
                raise _ParseError("unterminated string")
            self.pos += 1
            if c == "'":
                return self.text[start : self.pos - 1]

    def multiline_string(self, quote: str) -> None:
        """Skip a ``\"\"\"...\"\"\"`` or ``'''...'''`` string, counting the lines it spans."""
        self.advance(3)
        while not self.eof():
            c = self.peek()
            if c == "\\" and quote == '"':
                self.advance(2)
            elif c == quote:
                run = 0
                while self.peek(run) == quote:
                    run += 1
                # Up to two quotes directly before the closing delimiter belong to the content.
                self.advance(min(run, 5))
                if run >= 3:
                    return
            else:
                self.advance()
        raise _ParseError("unterminated multi-line string")

    # -- keys ------------------------------------------------------------------------

    def key_part(self) -> str:
        c = self.peek()
        if c == '"':
            return self.basic_string()
        if c == "'":
            return self.literal_string()
        start = self.pos
        while self.peek() in _BARE_KEY_CHARS and not self.eof():
            self.pos += 1
        if self.pos == start:
            raise _ParseError("expected a key")
        return self.text[start : self.pos]

    def key(self) -> list[str]:
        """Read a possibly dotted key (``a . "b.c" . d``) and the whitespace after it."""
        parts = [self.key_part()]
        self.skip_ws()
        while self.peek() == ".":
            self.pos += 1
            self.skip_ws()
            parts.append(self.key_part())
            self.skip_ws()
        return parts

    # -- values ----------------------------------------------------------------------

    def value(self, depth: int) -> _Node:
        if depth > _MAX_DEPTH:
            raise _ParseError("nested too deeply")
        line = self.line
        c = self.peek()
        if c == '"':
            if self.at('"""'):
                self.multiline_string('"')
            else:
                self.basic_string()
            return _Leaf(line)
        if c == "'":
            if self.at("'''"):
                self.multiline_string("'")
            else:
                self.literal_string()
            return _Leaf(line)
        if c == "[":
            return self.array(depth)
        if c == "{":
            return self.inline_table(depth)
        start = self.pos
        while not self.eof() and self.peek() not in _SCALAR_STOP:
            self.pos += 1
        if not self.text[start : self.pos].strip():
            raise _ParseError("expected a value")
        return _Leaf(line)

    def array(self, depth: int) -> _Array:
        arr = _Array(self.line)
        self.expect("[")
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return arr
            arr.items.append(self.value(depth + 1))
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "]":
                self.pos += 1
                return arr
            else:
                raise _ParseError("expected ',' or ']'")

    def inline_table(self, depth: int) -> _Table:
        table = _Table(self.line)
        self.expect("{")
        while True:
            # Tolerates newlines, comments and a trailing comma (TOML 1.1 style).
            self.skip_blank()
            if self.peek() == "}":
                self.pos += 1
                return table
            self.key_value(table, depth + 1)
            self.skip_blank()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() == "}":
                self.pos += 1
                return table
            else:
                raise _ParseError("expected ',' or '}'")

    def key_value(self, table: _Table, depth: int) -> None:
        line = self.line
        keys = self.key()
        self.expect("=")
        self.skip_ws()
        node = self.value(depth)
        node.line = line
        _assign(table, keys, node, line)

    # -- document --------------------------------------------------------------------

    def header(self, root: _Table) -> _Table:
        line = self.line
        is_array = self.at("[[")
        self.advance(2 if is_array else 1)
        self.skip_ws()
        keys = self.key()
        self.expect("]]" if is_array else "]")
        return _open_header(root, keys, line, is_array=is_array)

    def document(self) -> _Table:
        root = _Table(0)
        current = root
        if self.peek() == "\ufeff":
            self.pos += 1
        while True:
            self.skip_blank()
            if self.eof():
                return root
            start = self.pos
            try:
                if self.peek() == "[":
                    current = _Table(0)  # statements after a broken header go nowhere
                    current = self.header(root)
                else:
                    self.key_value(current, 0)
                self.skip_ws()
                self.skip_comment()
                if self.peek() not in ("", "\r", "\n"):
                    raise _ParseError("junk after statement")
            except _ParseError:
                self.skip_to_line_end()
                if self.pos == start:
                    self.advance()


def _descend(table: _Table, key: str, line: int, *, explicit: bool) -> _Table:
    """Return the table under ``key``, creating it if missing.

    Walking through an array of tables enters its latest element.  Anything that is
    not a table yields a detached table, so invalid input is absorbed harmlessly.
    """
    child = table.children.get(key)
    if child is None:
        new = _Table(line, explicit=explicit)
        table.children[key] = new
        return new
    if isinstance(child, _Table):
        return child
    if isinstance(child, _Array) and child.items and isinstance(child.items[-1], _Table):
        return child.items[-1]
    return _Table(line)


def _assign(table: _Table, keys: list[str], node: _Node, line: int) -> None:
    """Store ``node`` under the dotted key ``keys`` inside ``table``."""
    for key in keys[:-1]:
        table = _descend(table, key, line, explicit=True)
    table.children.setdefault(keys[-1], node)


def _open_header(root: _Table, keys: list[str], line: int, *, is_array: bool) -> _Table:
    """Return the table that a ``[keys]`` or ``[[keys]]`` header on ``line`` opens."""
    table = root
    for key in keys[:-1]:
        table = _descend(table, key, line, explicit=False)
    last = keys[-1]
    child = table.children.get(last)
    if is_array:
        if child is None:
            child = table.children[last] = _Array(line)
        if not isinstance(child, _Array):
            return _Table(line)
        element = _Table(line)
        child.items.append(element)
        return element
    if child is None:
        new = _Table(line)
        table.children[last] = new
        return new
    if isinstance(child, _Table):
        if not child.explicit:
            # A super-table declared after its sub-tables: point at its own header.
            child.line = line
            child.explicit = True
        return child
    return _Table(line)


def _skip_string(text: str, i: int) -> int:
    """The index just past the string that starts at ``text[i]`` (any of the four kinds)."""
    quote = text[i]
    delim = quote * 3 if text.startswith(quote * 3, i) else quote
    j = i + len(delim)
    while True:
        end = text.find(delim, j)
        if quote == "'":
            return len(text) if end < 0 else end + len(delim)
        stop = text.find("\\", j)
        if end < 0 or stop < 0 or stop > end:
            return len(text) if end < 0 else end + len(delim)
        j = stop + 2  # an escaped character, possibly a quote


def too_deep_line(text: str, limit: int) -> int | None:
    """The line on which the document first nests more than ``limit`` deep, or None:
    brackets and braces of arrays and inline tables, or the parts of one dotted key (which
    ``tomllib`` reads in quadratic time). A flat scan (strings and comments skipped), so it
    cannot exhaust the stack that a recursive parser such as ``tomllib`` would."""
    depth, dots, line, i, n = 0, 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "." and (dots := dots + 1) > limit:
            return line
        if c in "[{":
            depth += 1
            if depth > limit:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        if c in "\n,=[]{}":
            dots = 0
            line += c == "\n"
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            end = _skip_string(text, i)
            line += text.count("\n", i, end)
            i = end
            continue
        i += 1
    return None


@lru_cache(maxsize=8)
def _parse(text: str) -> _Table:
    return _Scanner(text).document()


def _child(node: _Node, component: str | int) -> _Node | None:
    if isinstance(node, _Table):
        key = component if isinstance(component, str) else str(component)
        return node.children.get(key)
    if isinstance(node, _Array):
        if isinstance(component, int) and not isinstance(component, bool):
            index = component
        elif (
            isinstance(component, str)
            and component.isascii()
            and component.isdigit()
            and len(component) < 10
        ):
            index = int(component)
        else:
            return None
        return node.items[index] if 0 <= index < len(node.items) else None
    return None


def locate(text: str, path: Sequence[str | int]) -> int | None:
    """Return the 1-based line on which the value at ``path`` is written in ``text``.

    ``path`` is a pydantic error ``loc``: table keys (``str``) and array indexes
    (``int``); a quoted key containing dots is a single component.  For a key the
    result is the line of ``key = value`` (or of the ``[key]`` header); for an array
    element, the line where the element starts; for the n-th element of an array of
    tables, its ``[[header]]`` line.

    Components that do not occur in the file -- a missing required field, or extras
    pydantic adds such as union tags (``"lognormal"``) or ``"[key]"`` -- are skipped,
    so the result is the line of the deepest component found: for a missing key in a
    ``[header]`` table that is the header line, in an inline table the line where the
    inline table starts.  Returns ``None`` if no component is found, and never raises.
    """
    try:
        node: _Node = _parse(text)
        line: int | None = None
        for component in path:
            child = _child(node, component)
            if child is not None:
                node = child
                line = child.line
        return line
    except Exception:
        return None


def syntax_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """Return the 1-based line of a TOML syntax error, or ``None`` if it is unknown.

    Newer Pythons set ``exc.lineno``; Python 3.11 only has the position in the
    message, ``"... (at line L, column C)"``.
    """
    try:
        lineno = getattr(exc, "lineno", None)
        if isinstance(lineno, int) and not isinstance(lineno, bool) and lineno > 0:
            return lineno
        match = _POSITION_SUFFIX.search(str(exc))
        if match and match.group(1):
            return int(match.group(1))
        doc, pos = getattr(exc, "doc", None), getattr(exc, "pos", None)
        if isinstance(doc, str) and isinstance(pos, int):
            return doc.count("\n", 0, pos) + 1
    except Exception:
        pass
    return None


def syntax_error_message(exc: tomllib.TOMLDecodeError) -> str:
    """Return the message of a TOML syntax error without its ``(at line ...)`` suffix."""
    msg = getattr(exc, "msg", None)
    if isinstance(msg, str) and msg.strip():
        return msg.strip()
    text = str(exc)
    stripped = _POSITION_SUFFIX.sub("", text).strip()
    return stripped or text.strip()
