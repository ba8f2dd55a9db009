"""Tests for mapping pydantic error paths to lines of TOML scenario files."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsim.scenario.tomlpos import locate, syntax_error_line, syntax_error_message

Path = tuple[str | int, ...]


def _lines(text: str) -> str:
    """Drop the first newline so a triple-quoted document starts on line 1."""
    return text.removeprefix("\n")


# ---------------------------------------------------------------------------------------
# Hand-written documents
# ---------------------------------------------------------------------------------------

SCENARIO = _lines(
    """
# Scenario: baseline [not a header] = "not a key"
name = "baseline # not a comment"
start = 2024-01-02
seed = 42

[calendar]
office_hours = [["08:30", "12:00"], ["13:30", "17:30"]]
holidays = [
    2024-02-10,   # spring festival
    2024-10-01 ,
]

[general_office.review]
mean_hours = 4.0
dist = { kind = "lognormal", sigma = 0.5 }

[[leaders]]
name = "mayor"
substitute = "executive_vice_mayor"

[[leaders]]
name = "vice_mayor_a"

[[leaders]]
name = "vice_mayor_b"
substitute = "vice_mayor_a"
[leaders.portfolio]
areas = ["finance", "transport"]
[[leaders.deputies]]
name = "d1"
[[leaders.deputies]]
name = "d2"

[load]
scale = 1.0
seasonality = [
  1.0, 1.1,
  0.9,
  # a comment with ] and , inside
  1.2,
  1.3, 1.4, 1.5
]

[[variants]]
name = "high load"
set = { "load.scale" = 1.3, "general_office.review.mean_hours" = 5 }

[[variants]]
name = "low load"
set = { "load.scale" = 0.7 }
"""
)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("name",), 2),
        (("start",), 3),
        (("seed",), 4),
        (("calendar",), 6),
        (("calendar", "office_hours"), 7),
        (("calendar", "office_hours", 0), 7),
        (("calendar", "office_hours", 1, 0), 7),
        (("calendar", "holidays"), 8),
        (("calendar", "holidays", 0), 9),
        (("calendar", "holidays", 1), 10),
        (("general_office",), 13),
        (("general_office", "review"), 13),
        (("general_office", "review", "mean_hours"), 14),
        (("general_office", "review", "dist"), 15),
        (("general_office", "review", "dist", "sigma"), 15),
        (("leaders",), 17),
        (("leaders", 0), 17),
        (("leaders", 0, "substitute"), 19),
        (("leaders", 1), 21),
        (("leaders", 1, "name"), 22),
        (("leaders", 2), 24),
        (("leaders", 2, "substitute"), 26),
        (("leaders", 2, "portfolio"), 27),
        (("leaders", 2, "portfolio", "areas", 1), 28),
        (("leaders", 2, "deputies"), 29),
        (("leaders", 2, "deputies", 0, "name"), 30),
        (("leaders", 2, "deputies", 1), 31),
        (("leaders", 2, "deputies", 1, "name"), 32),
        (("load", "seasonality"), 36),
        (("load", "seasonality", 0), 37),
        (("load", "seasonality", 1), 37),
        (("load", "seasonality", 2), 38),
        (("load", "seasonality", 3), 40),
        (("load", "seasonality", 5), 41),
        (("load", "seasonality", 6), 41),
        (("variants", 0, "name"), 45),
        (("variants", 0, "set", "load.scale"), 46),
        (("variants", 0, "set", "general_office.review.mean_hours"), 46),
        (("variants", 1), 48),
        (("variants", 1, "set", "load.scale"), 50),
    ],
)
def test_scenario_paths(path: Path, line: int) -> None:
    tomllib.loads(SCENARIO)  # the fixture itself must be valid TOML
    assert locate(SCENARIO, path) == line


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Missing required key in a [header] table: the header line.
        (("general_office", "review", "capacity"), 13),
        # Missing key in an [[array]] element: that element's header.
        (("leaders", 1, "substitute"), 21),
        # Missing key in an inline table: the line where it starts.
        (("general_office", "review", "dist", "mu"), 15),
        (("variants", 1, "set", "general_office.review.mean_hours"), 50),
        # Components pydantic appends that are not in the file.
        (("general_office", "review", "dist", "lognormal"), 15),
        (("general_office", "review", "mean_hours", "float"), 14),
        (("variants", 0, "set", "load.scale", "[key]"), 46),
        # Array index past the end: the array's line.
        (("load", "seasonality", 7), 36),
        (("leaders", 3, "substitute"), 17),
        (("calendar", "office_hours", 1, 2), 7),
        # A union tag in the middle is skipped so the field after it still matches.
        (("general_office", "review", "dist", "lognormal", "sigma"), 15),
        (("leaders", "Leader", 2, "substitute"), 26),
        # Indexes given as strings, keys given as ints.
        (("load", "seasonality", "2"), 38),
    ],
)
def test_fallback_to_deepest_existing_prefix(path: Path, line: int) -> None:
    assert locate(SCENARIO, path) == line


@pytest.mark.parametrize(
    "path",
    [(), ("nonexistent",), ("nonexistent", "deeper", 3), (0,), ("[key]",)],
)
def test_nothing_matches_returns_none(path: Path) -> None:
    assert locate(SCENARIO, path) is None


def test_header_whitespace_and_quoted_parts() -> None:
    text = _lines(
        """
[ a . "b.c" ]
x = 1
[a."b.c" . 'd e']
y = 2
[	"q\\"uote" .  bare-key_1 ]
z = 3
[[ arr . 'x.y' ]]
w = 4
[[arr."x.y"]]
w = 5
"""
    )
    assert tomllib.loads(text)["a"]["b.c"]["d e"]["y"] == 2
    assert locate(text, ("a", "b.c")) == 1
    assert locate(text, ("a", "b.c", "x")) == 2
    assert locate(text, ("a", "b.c", "d e")) == 3
    assert locate(text, ("a", "b.c", "d e", "y")) == 4
    assert locate(text, ("a", "b", "c")) == 1  # "b.c" is one key, not two
    assert locate(text, ('q"uote', "bare-key_1", "z")) == 6
    assert locate(text, ("arr", "x.y", 0, "w")) == 8
    assert locate(text, ("arr", "x.y", 1)) == 9
    assert locate(text, ("arr", "x.y", 1, "w")) == 10


def test_bare_quoted_and_dotted_keys() -> None:
    text = _lines(
        """
bare_key-1 = 1
"load.scale" = 1.3
'literal "key"' = 2
"esc\\"aped\\u0041" = 3
a.b.c = 4
a . b . "d.e" = 5
a.x = 6
"" = 7
3 = "digits are keys"
"""
    )
    assert tomllib.loads(text)["a"]["b"]["d.e"] == 5
    assert locate(text, ("bare_key-1",)) == 1
    assert locate(text, ("load.scale",)) == 2
    assert locate(text, ("load", "scale")) is None
    assert locate(text, ('literal "key"',)) == 3
    assert locate(text, ('esc"apedA',)) == 4
    assert locate(text, ("a",)) == 5  # first line that defines the dotted table
    assert locate(text, ("a", "b")) == 5
    assert locate(text, ("a", "b", "c")) == 5
    assert locate(text, ("a", "b", "d.e")) == 6
    assert locate(text, ("a", "x")) == 7
    assert locate(text, ("a", "missing")) == 5
    assert locate(text, ("",)) == 8
    assert locate(text, (3,)) == 9
    assert locate(text, ("3",)) == 9


def test_dotted_keys_inside_header_table() -> None:
    text = _lines(
        """
[office]
staff.count = 3
staff.roles = ["a", "b"]
"""
    )
    assert locate(text, ("office", "staff")) == 2
    assert locate(text, ("office", "staff", "roles", 1)) == 3
    assert locate(text, ("office", "staff", "missing")) == 2


def test_inline_tables() -> None:
    text = _lines(
        """
point = { x = 1, y = { z = 2, "w.v" = [3, 4] }, s = "}, { = [" }
empty = {}
items = [
  { name = "a", n = 1 },
  { name = "b" }, { name = "c", sub = { q = 1 } },
  {
    name = "multi-line (TOML 1.1)",
    n = 2,
  },
]
"""
    )
    assert locate(text, ("point",)) == 1
    assert locate(text, ("point", "y", "w.v", 1)) == 1
    assert locate(text, ("point", "s")) == 1
    assert locate(text, ("empty",)) == 2
    assert locate(text, ("empty", "anything")) == 2
    assert locate(text, ("items", 0)) == 4
    assert locate(text, ("items", 0, "n")) == 4
    assert locate(text, ("items", 1)) == 5
    assert locate(text, ("items", 2)) == 5
    assert locate(text, ("items", 2, "sub", "q")) == 5
    assert locate(text, ("items", 1, "missing")) == 5
    # Tolerated although TOML 1.0 forbids it: keys on the lines where they are written.
    assert locate(text, ("items", 3)) == 6
    assert locate(text, ("items", 3, "name")) == 7
    assert locate(text, ("items", 3, "n")) == 8
    assert locate(text, ("items", 3, "missing")) == 6


def test_inline_table_starting_below_its_key() -> None:
    text = _lines(
        """
dists = [
  { kind = "normal", mean = 1 },
  {
    kind = "lognormal" },
]
"""
    )
    # A missing field in an inline table points at its opening brace.
    assert locate(text, ("dists", 1, "sigma")) == 3
    assert locate(text, ("dists", 1, "kind")) == 4
    assert locate(text, ("dists", 0, "sigma")) == 2


def test_arrays_of_arrays_multiline() -> None:
    text = _lines(
        """
grid = [
  [1, 2],
  [
    3,
    4,
  ],
  [[5], [6,
         7]],
]
"""
    )
    assert tomllib.loads(text)["grid"][2] == [[5], [6, 7]]
    assert locate(text, ("grid", 0)) == 2
    assert locate(text, ("grid", 0, 1)) == 2
    assert locate(text, ("grid", 1)) == 3
    assert locate(text, ("grid", 1, 0)) == 4
    assert locate(text, ("grid", 1, 1)) == 5
    assert locate(text, ("grid", 2, 1, 0)) == 7
    assert locate(text, ("grid", 2, 1, 1)) == 8
    assert locate(text, ("grid", 3)) == 1


def test_strings_contents_are_not_parsed() -> None:
    text = _lines(
        '''
a = """
[not_a_table]
b = 1 # "still inside"
\\"""
"""
c = \'\'\'
[[also_not]]
\'\'\'
d = "x # y = [z]" # real comment with "quotes" and [brackets]
e = 'C:\\path\\' # literal: the backslash does not escape
f = """ends with quotes"""""
g = \'\'\'one line\'\'\'
h = """continued \\
    line"""
i = 1
'''
    )
    data = tomllib.loads(text)
    assert data["f"] == 'ends with quotes""'
    assert set(data) == set("acdefghi")
    assert locate(text, ("a",)) == 1
    assert locate(text, ("not_a_table",)) is None
    assert locate(text, ("b",)) is None
    assert locate(text, ("c",)) == 6
    assert locate(text, ("also_not",)) is None
    assert locate(text, ("d",)) == 9
    assert locate(text, ("e",)) == 10
    assert locate(text, ("f",)) == 11
    assert locate(text, ("g",)) == 12
    assert locate(text, ("h",)) == 13
    assert locate(text, ("i",)) == 15


def test_multiline_strings_ending_in_quotes_inside_arrays() -> None:
    # Up to two quotes right before the closing delimiter belong to the string.
    text = (
        "a = ['''x\n"  # line 1
        "''''', '''\n"  # line 2: element 1 starts
        "y''''\n"  # line 3
        ', """"""""\n'  # line 4: element 2, the string '""'
        "]\n"
        "b = 1\n"  # line 6
    )
    assert tomllib.loads(text) == {"a": ["x\n''", "y'", '""'], "b": 1}
    assert locate(text, ("a", 1)) == 2
    assert locate(text, ("a", 2)) == 4
    assert locate(text, ("b",)) == 6


def test_dates_and_times() -> None:
    text = _lines(
        """
odt = 1979-05-27T07:32:00Z
spaced = 1979-05-27 07:32:00.999-07:00
ld = 1979-05-27
lt = 07:32:00
times = [07:00:00, 1979-05-27 00:00:00, 2000-01-01]
tbl = { when = 1979-05-27 07:32:00, n = 1 }
after = true
"""
    )
    data = tomllib.loads(text)
    assert data["tbl"]["n"] == 1
    assert locate(text, ("spaced",)) == 2
    assert locate(text, ("times", 2)) == 5
    assert locate(text, ("tbl", "n")) == 6
    assert locate(text, ("after",)) == 7


def test_implicit_super_table_declared_later() -> None:
    text = _lines(
        """
[a.b.c]
x = 1

[a]
y = 2

[[p.q]]
z = 3
"""
    )
    tomllib.loads(text)
    assert locate(text, ("a",)) == 4  # its own header, once it has one
    assert locate(text, ("a", "missing")) == 4
    assert locate(text, ("a", "b")) == 1  # only ever implied by [a.b.c]
    assert locate(text, ("a", "b", "missing")) == 1
    assert locate(text, ("p",)) == 7
    assert locate(text, ("p", "q", 0, "z")) == 8


def test_table_headers_reopened_under_later_array_elements() -> None:
    text = _lines(
        """
[[fruit]]
name = "apple"
[fruit.physical]
color = "red"
[[fruit.variety]]
name = "red delicious"
[[fruit.variety]]
name = "granny smith"
[[fruit]]
name = "banana"
[[fruit.variety]]
name = "plantain"
"""
    )
    tomllib.loads(text)
    assert locate(text, ("fruit", 0, "physical", "color")) == 4
    assert locate(text, ("fruit", 0, "variety", 1, "name")) == 8
    assert locate(text, ("fruit", 1, "variety", 0)) == 11
    assert locate(text, ("fruit", 1, "physical")) == 9
    assert locate(text, ("fruit", 1, "variety", 1)) == 11


def test_crlf_and_bom() -> None:
    text = "\ufeffa = 1\r\n[t]\r\nb = [\r\n  1,\r\n  2,\r\n]\r\n"
    assert locate(text, ("a",)) == 1
    assert locate(text, ("t", "b", 1)) == 5
    assert locate(text, ("t", "c")) == 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "=",
        "[",
        "[[",
        "[a",
        "a = ",
        'a = "unterminated',
        "a = '''never closed\n[b]\n",
        "a = [1, 2",
        "a = {x = 1",
        "a = [" * 5000,
        "a = {b = " * 5000,
        "[a]\n[a]\n[[a]]\na.b = 1\na = 2\n",
        "x = 1\nx.y = 2\n[x.z]\n[[x]]\n",
        "\x00\x01\x02",
        'a = "\\uZZZZ"\n"\\q" = 1\n',
        "a=1 b=2\n",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    for path in [(), ("a",), ("a", 0), ("a", "b", 1), ("x", "y"), (10**30,), ("9" * 5000,)]:
        result = locate(text, path)
        assert result is None or 1 <= result <= text.count("\n") + 1


def test_non_string_input_returns_none() -> None:
    assert locate(None, ("a",)) is None  # type: ignore[arg-type]
    assert locate("a = 1", None) is None  # type: ignore[arg-type]
    assert locate("a = 1", [["unhashable"]]) is None  # type: ignore[list-item]


def test_broken_statements_do_not_hide_later_lines() -> None:
    text = _lines(
        """
a = "unterminated
b = 2
[broken
c = 3
[ok]
d = 4
"""
    )
    assert locate(text, ("b",)) == 2
    assert locate(text, ("c",)) is None  # belongs to the unreadable header, not the root
    assert locate(text, ("ok", "d")) == 6


# ---------------------------------------------------------------------------------------
# Syntax errors
# ---------------------------------------------------------------------------------------


def _decode_error(text: str) -> tomllib.TOMLDecodeError:
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    return info.value


def test_syntax_error_line_and_message() -> None:
    exc = _decode_error("a = 1\n\n[t]\nb = \n")
    assert syntax_error_line(exc) == 4
    message = syntax_error_message(exc)
    assert message
    assert "(at" not in message
    assert "line" not in message


def test_syntax_error_duplicate_key() -> None:
    exc = _decode_error("a = 1\nb = 2\na = 3\n")
    assert syntax_error_line(exc) == 3
    assert "(at" not in syntax_error_message(exc)


def test_syntax_error_at_end_of_document() -> None:
    exc = _decode_error("a = 1\nb = [1,")
    line = syntax_error_line(exc)
    # Python 3.11 only says "(at end of document)"; newer versions give the line.
    assert line in (None, 2)
    assert "end of document" not in syntax_error_message(exc)


def test_syntax_error_with_lineno_attribute() -> None:
    """Newer Pythons expose ``lineno`` and ``msg`` on the exception."""
    exc = tomllib.TOMLDecodeError("Invalid value (at line 9, column 2)")
    exc.lineno = 7  # type: ignore[attr-defined]
    exc.msg = "Invalid value"  # type: ignore[attr-defined]
    assert syntax_error_line(exc) == 7
    assert syntax_error_message(exc) == "Invalid value"


def test_syntax_error_without_position() -> None:
    exc = tomllib.TOMLDecodeError("Something odd")
    assert syntax_error_line(exc) is None
    assert syntax_error_message(exc) == "Something odd"


# ---------------------------------------------------------------------------------------
# Generated documents
# ---------------------------------------------------------------------------------------

KEY_ALPHABET = "abzAZ09_-. #=\"'[]{}\\é\t"
STRING_ALPHABET = KEY_ALPHABET + "\n\r,\x01\x7f"
BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
COMMENTS = ["# plain", '# tricky: [x] = "y" {z} \'q\' """', "#", "#[[not.a.table]]"]
MISSING = "<not in file>"  # '<' never occurs in generated keys

keys_st = st.text(alphabet=KEY_ALPHABET, max_size=5)
scalars_st = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(alphabet=STRING_ALPHABET, max_size=12),
    st.dates(),
    st.times(),
    st.datetimes(),
)
values_st = st.recursive(
    scalars_st,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(keys_st, children, max_size=4)
        # Single-entry wrappers make tables that only hold sub-tables (implicit headers).
        | st.dictionaries(keys_st, children, min_size=1, max_size=1)
    ),
    max_leaves=16,
)
documents_st = st.dictionaries(keys_st, values_st, max_size=6)


def _escape_basic(s: str, *, multiline: bool) -> str:
    out: list[str] = []
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\n" if multiline else "\\n")
        elif c == "\t":
            out.append("\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or c == "\x7f":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def _literal_ok(s: str, *, multiline: bool) -> bool:
    allowed = "\t\n" if multiline else "\t"
    if any((ord(c) < 0x20 and c not in allowed) or c == "\x7f" for c in s):
        return False
    return "'''" not in s if multiline else "'" not in s


@dataclass
class Writer:
    """Serializes data as TOML in randomly varied styles, recording each value's line."""

    rng: random.Random
    parts: list[str] = field(default_factory=list)
    line: int = 1
    expected: dict[Path, int] = field(default_factory=dict)
    pending: list[Path] = field(default_factory=list)  # implicit tables awaiting a header

    def write(self, s: str) -> None:
        self.parts.append(s)
        self.line += s.count("\n")

    def text(self) -> str:
        return "".join(self.parts)

    def record(self, path: Path) -> None:
        self.expected.setdefault(path, self.line)

    def chance(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def ws(self) -> str:
        return self.rng.choice(["", " ", "  ", "\t"])

    # -- decoration -----------------------------------------------------------------

    def between_statements(self) -> None:
        for _ in range(self.rng.choice([0, 0, 0, 1, 2])):
            self.write(self.rng.choice(["\n", self.ws() + self.rng.choice(COMMENTS) + "\n"]))

    def end_statement(self) -> None:
        if self.chance(0.2):
            self.write(self.ws() + " " + self.rng.choice(COMMENTS))
        self.write("\n")

    # -- keys and scalars -----------------------------------------------------------

    def key(self, k: str) -> str:
        options = ["basic"]
        if k and all(c in BARE for c in k):
            options += ["bare", "bare"]
        if _literal_ok(k, multiline=False):
            options.append("literal")
        style = self.rng.choice(options)
        if style == "bare":
            return k
        if style == "literal":
            return f"'{k}'"
        return '"' + _escape_basic(k, multiline=False) + '"'

    def dotted(self, keys: Path) -> str:
        seps = [".", " . ", ". ", " ."]
        out = self.key(str(keys[0]))
        for k in keys[1:]:
            out += self.rng.choice(seps) + self.key(str(k))
        return out

    def string(self, s: str) -> str:
        options = ["basic", "ml_basic"]
        if _literal_ok(s, multiline=False):
            options.append("literal")
        if _literal_ok(s, multiline=True):
            options.append("ml_literal")
        style = self.rng.choice(options)
        if style == "basic":
            return '"' + _escape_basic(s, multiline=False) + '"'
        if style == "literal":
            return f"'{s}'"
        # A newline right after the opening delimiter is trimmed.
        opening = "\n" if s.startswith(("\n", "\r")) else self.rng.choice(["", "\n"])
        if style == "ml_literal":
            return "'''" + opening + s + "'''"
        # A line-ending backslash swallows the newlines and spaces that follow it.
        continuation = "\\\n  \n " if self.chance(0.3) else ""
        return '"""' + opening + _escape_basic(s, multiline=True) + continuation + '"""'

    def scalar(self, v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            if v >= 0 and self.chance(0.2):
                return self.rng.choice([hex, oct, bin])(v)
            return str(v)
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, dt.datetime):
            return v.isoformat(sep=self.rng.choice("T "))
        if isinstance(v, dt.date | dt.time):
            return v.isoformat()
        assert isinstance(v, str)
        return self.string(v)

    # -- inline values --------------------------------------------------------------

    def value(self, path: Path, v: Any) -> None:
        """Write ``v`` where a value is expected; the caller records ``path``."""
        if isinstance(v, dict):
            self.inline_table(path, v)
        elif isinstance(v, list):
            if self.chance():
                self.multiline_array(path, v)
            else:
                self.inline_array(path, v)
        else:
            self.write(self.scalar(v))

    def flatten(self, keys: Path, v: Any) -> Iterator[tuple[Path, Any]]:
        """Split a dict into dotted-key assignments (some sub-dicts stay inline)."""
        if isinstance(v, dict) and v and (len(keys) == 0 or self.chance(0.6)):
            for k, sub in v.items():
                yield from self.flatten((*keys, k), sub)
        else:
            yield keys, v

    def assignment(self, base: Path, keys: Path, v: Any) -> None:
        for i in range(1, len(keys)):
            self.record(base + keys[:i])  # a table made by a dotted key
        self.record(base + keys)
        self.write(self.dotted(keys) + self.ws() + "=" + self.ws())
        self.value(base + keys, v)

    def inline_table(self, path: Path, d: dict[str, Any]) -> None:
        self.write("{" + self.ws())
        items = [(keys, v) for k, sub in d.items() for keys, v in self.flatten((k,), sub)]
        for i, (keys, v) in enumerate(items):
            if i:
                self.write("," + self.ws())
            self.assignment(path, keys, v)
        self.write(self.ws() + "}")

    def inline_array(self, path: Path, items: list[Any]) -> None:
        self.write("[" + self.ws())
        for i, v in enumerate(items):
            if i:
                self.write("," + self.ws())
            self.record((*path, i))
            self.value((*path, i), v)
        if items and self.chance(0.3):
            self.write(",")
        self.write(self.ws() + "]")

    def multiline_array(self, path: Path, items: list[Any]) -> None:
        self.write("[")
        for i, v in enumerate(items):
            if i:
                self.write(",")
            if i == 0 or self.chance(0.7):
                if self.chance(0.2):
                    self.write(self.ws() + self.rng.choice(COMMENTS))
                self.write("\n")
                self.between_statements()
                self.write(self.rng.choice(["", "  ", "\t"]))
            else:
                self.write(self.ws())
            self.record((*path, i))
            self.value((*path, i), v)
        if items and self.chance():
            self.write(",")
        self.write(self.ws() + self.rng.choice(["\n", " # end\n", ""]) + "]")

    # -- tables with headers --------------------------------------------------------

    def plan(self, d: dict[str, Any]) -> list[tuple[str, Any, str]]:
        """Choose how each entry of a header table is written."""
        planned = []
        for k, v in d.items():
            options = ["kv"]
            if isinstance(v, dict):
                options += ["header", "header"] + (["dotted"] if v else [])
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                options += ["array_of_tables", "array_of_tables"]
            planned.append((k, v, self.rng.choice(options)))
        return planned

    def header(self, path: Path, hkeys: Path, *, array: bool) -> None:
        self.between_statements()
        for p in self.pending:
            self.record(p)
        self.pending.clear()
        if array:
            self.record(path[:-1])  # the array itself: its first [[header]]
        self.record(path)
        o, c = ("[[", "]]") if array else ("[", "]")
        self.write(o + self.ws() + self.dotted(hkeys) + self.ws() + c)
        self.end_statement()

    def body(self, path: Path, hkeys: Path, planned: list[tuple[str, Any, str]]) -> None:
        for k, v, style in planned:
            if style in ("kv", "dotted"):
                for keys, sub in self.flatten((), v) if style == "dotted" else [((), v)]:
                    self.between_statements()
                    self.assignment(path, (k, *keys), sub)
                    self.end_statement()
        for k, v, style in planned:
            if style == "header":
                self.table((*path, k), (*hkeys, k), v)
            elif style == "array_of_tables":
                for i, element in enumerate(v):
                    self.header((*path, k, i), (*hkeys, k), array=True)
                    self.body((*path, k, i), (*hkeys, k), self.plan(element))

    def table(self, path: Path, hkeys: Path, d: dict[str, Any]) -> None:
        planned = self.plan(d)
        has_headers = any(style in ("header", "array_of_tables") for _, _, style in planned)
        only_headers = all(style in ("header", "array_of_tables") for _, _, style in planned)
        if has_headers and only_headers and self.chance():
            self.pending.append(path)  # implied by its first sub-table's header
        else:
            self.header(path, hkeys, array=False)
        self.body(path, hkeys, planned)

    def document(self, d: dict[str, Any]) -> None:
        self.body((), (), self.plan(d))


def _all_paths(v: Any, prefix: Path = ()) -> Iterator[Path]:
    if prefix:
        yield prefix
    if isinstance(v, dict):
        for k, sub in v.items():
            yield from _all_paths(sub, (*prefix, k))
    elif isinstance(v, list):
        for i, sub in enumerate(v):
            yield from _all_paths(sub, (*prefix, i))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=documents_st, rng=st.randoms(use_true_random=False))
def test_generated_documents(data: dict[str, Any], rng: random.Random) -> None:
    writer = Writer(rng)
    writer.document(data)
    text = writer.text()
    assert tomllib.loads(text) == data, text
    assert set(writer.expected) == set(_all_paths(data))
    for path, line in writer.expected.items():
        assert locate(text, path) == line, (path, text)
        # Components that are not in the file fall back to the deepest one that is.
        assert locate(text, (*path, MISSING)) == line
        assert locate(text, (*path, 10**6)) == line


@settings(max_examples=200, deadline=None)
@given(data=documents_st, rng=st.randoms(use_true_random=False), cut=st.floats(0, 1))
def test_truncated_documents_never_raise(
    data: dict[str, Any], rng: random.Random, cut: float
) -> None:
    writer = Writer(rng)
    writer.document(data)
    text = writer.text()
    text = text[: int(len(text) * cut)]
    for path in writer.expected:
        line = locate(text, path)
        assert line is None or 1 <= line <= text.count("\n") + 1


@given(
    text=st.text(alphabet="ab =[]{}.,#\"'\\\n\t01", max_size=60),
    path=st.lists(st.one_of(st.sampled_from(["a", "b", "ab"]), st.integers(-2, 3)), max_size=4),
)
def test_arbitrary_text_never_raises(text: str, path: list[str | int]) -> None:
    line = locate(text, path)
    assert line is None or 1 <= line <= text.count("\n") + 1
