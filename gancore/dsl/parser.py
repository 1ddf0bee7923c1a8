"""A recursive-descent parser for HyperGAN's layer strings. Nothing is ever ``eval``-ed.

Grammar::

    layer  := OP value* option*            (options and values may interleave)
    option := WORD '=' value
    value  := NUMBER | 'true' | 'false' | 'null' | SIZE | WORD | '(' layer ')'
    SIZE   := INT ('*' INT)+               e.g. 10*10*256 (W*H*C)

Examples: ``"conv 64 stride=2 name=e1"``, ``"reshape 10*10*256"``,
``"add self (ez_norm initializer=(xavier_normal))"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ConfigError
from .spec import LayerSpec, Size, Value

_TOKEN = re.compile(r"\s*(?:(?P<punct>[()=])|(?P<word>[^\s()=]+))")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_SIZE = re.compile(r"\d+(\*\d+)+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*")


@dataclass(frozen=True)
class _Tok:
    text: str
    pos: int  # 0-based column in the source string


class _Parser:
    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.toks = self._tokenize()
        self.i = 0

    def fail(self, msg: str, tok: _Tok | None = None) -> ConfigError:
        where = f" at column {tok.pos + 1}" if tok is not None else ""
        return ConfigError(self.path, f'"{self.text}": {msg}{where}')

    def _tokenize(self) -> list[_Tok]:
        toks, pos = [], 0
        while pos < len(self.text):
            m = _TOKEN.match(self.text, pos)
            if m is None or m.end() == pos:  # only trailing whitespace left
                break
            kind = "punct" if m.group("punct") else "word"
            toks.append(_Tok(m.group(kind), m.start(kind)))
            pos = m.end()
        return toks

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise self.fail("unexpected end of string")
        self.i += 1
        return tok

    def layer(self, closing: bool) -> LayerSpec:
        start = self.peek()
        op = self.take()
        if op.text in "()=":
            raise self.fail(f"expected a layer name, got '{op.text}'", op)
        if not _NAME.fullmatch(op.text):
            raise self.fail(f"'{op.text}' is not a layer name", op)
        args: list[Value] = []
        options: list[tuple[str, Value]] = []
        while (tok := self.peek()) is not None and tok.text != ")":
            nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
            if nxt is not None and nxt.text == "=":
                key = self.take()
                self.take()  # '='
                if not _NAME.fullmatch(key.text):
                    raise self.fail(f"'{key.text}' is not an option name", key)
                if any(k == key.text for k, _ in options):
                    raise self.fail(f"option '{key.text}' is given twice", key)
                options.append((key.text, self.value()))
            else:
                args.append(self.value())
        end = self.peek()
        if closing and end is None:
            raise self.fail("'(' is never closed", start)
        stop = end.pos if (closing and end is not None) else len(self.text)
        source = self.text[start.pos : stop].strip() if start is not None else ""
        return LayerSpec(op.text, tuple(args), tuple(options), source)

    def value(self) -> Value:
        tok = self.take()
        if tok.text == "(":
            if (inner := self.peek()) is not None and inner.text == ")":
                raise self.fail("empty '( )'", inner)
            spec = self.layer(closing=True)
            self.take()  # ')'
            return spec
        if tok.text in (")", "="):
            raise self.fail(f"unexpected '{tok.text}'", tok)
        return _atom(tok.text)

    def parse(self) -> LayerSpec:
        if not self.toks:
            raise self.fail("empty layer string")
        spec = self.layer(closing=False)
        if (tok := self.peek()) is not None:
            raise self.fail(f"unexpected '{tok.text}'", tok)
        return spec


def _atom(text: str) -> Value:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none"):
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _SIZE.fullmatch(text):
        return Size(tuple(int(d) for d in text.split("*")))
    return text


def parse_layer(text: str, path: str = "") -> LayerSpec:
    """Parse one layer string; a ConfigError names ``path``, the string and the bad token."""
    if not isinstance(text, str):
        raise ConfigError(path, f'a layer must be a string like "conv 64", got {text!r}')
    return _Parser(text, path).parse()
