#!/usr/bin/env python3
"""Checks the TextMate grammar of the VS Code extension without VS Code.

A small TextMate tokenizer (match and begin/end rules, captures, includes, line by line) runs the
grammar's regexes with Python's `re`, so the grammar keeps to the regex syntax both Oniguruma and
Python read. It checks that every regex compiles, that every `.fab` file of the repository
tokenizes, and that the tokens of a few lines get the scopes they should.

Run it with `python3 editors/vscode/test_grammar.py` from the repository root (CI does).
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = json.loads((ROOT / "editors/vscode/syntaxes/fab.tmLanguage.json").read_text())


class Rule:
    def __init__(self, raw):
        self.raw = raw
        self.name = raw.get("name")
        self.match = re.compile(raw["match"]) if "match" in raw else None
        self.begin = re.compile(raw["begin"]) if "begin" in raw else None
        self.end = raw.get("end")
        self.captures = raw.get("captures", {})
        self.begin_captures = raw.get("beginCaptures", self.captures)
        self.end_captures = raw.get("endCaptures", self.captures)
        self.patterns = raw.get("patterns", [])


def resolve(patterns):
    """The match and begin rules a pattern list stands for, includes expanded, in order."""
    out = []
    for pattern in patterns:
        if "include" in pattern:
            target = pattern["include"]
            if target == "$self":
                out.extend(resolve(GRAMMAR["patterns"]))
            else:
                out.extend(resolve([GRAMMAR["repository"][target.lstrip("#")]]))
        elif "match" in pattern or "begin" in pattern:
            out.append(Rule(pattern))
        else:
            out.extend(resolve(pattern.get("patterns", [])))
    return out


def emit(tokens, text, scopes):
    if text:
        tokens.append((text, tuple(scopes)))


def with_captures(tokens, m, captures, scopes):
    """Tokens of a match, splitting out the captured groups that have a scope."""
    pos = m.start()
    for group in range(1, (m.re.groups or 0) + 1):
        capture = captures.get(str(group))
        if not capture or m.start(group) < 0 or m.start(group) == m.end(group):
            continue
        emit(tokens, m.string[pos:m.start(group)], scopes)
        emit(tokens, m.group(group), scopes + [capture["name"]])
        pos = m.end(group)
    emit(tokens, m.string[pos:m.end()], scopes)


def tokenize(text):
    """Every line's tokens as (text, scopes)."""
    stack = []  # open begin/end rules: (rule, compiled end, scopes inside)
    lines = []
    for line in text.split("\n"):
        tokens = []
        pos = 0
        while pos <= len(line):
            scopes = stack[-1][2] if stack else ["source.fab"]
            patterns = resolve(stack[-1][0].patterns) if stack else resolve(GRAMMAR["patterns"])
            best = None
            if stack:
                m = stack[-1][1].search(line, pos)
                if m:
                    best = (m.start(), -1, m, None)
            for index, rule in enumerate(patterns):
                regex = rule.match or rule.begin
                m = regex.search(line, pos)
                if m and (best is None or m.start() < best[0]):
                    best = (m.start(), index, m, rule)
            if best is None or (best[2].end() == best[2].start() and best[3] is not None and best[3].match):
                emit(tokens, line[pos:], scopes)
                break
            start, _, m, rule = best
            emit(tokens, line[pos:start], scopes)
            if rule is None:  # the open rule ends
                closing, _, inside = stack.pop()
                with_captures(tokens, m, closing.end_captures, inside)
            elif rule.match:
                inner = scopes + ([rule.name] if rule.name else [])
                with_captures(tokens, m, rule.captures, inner)
            else:
                inner = scopes + ([rule.name] if rule.name else [])
                with_captures(tokens, m, rule.begin_captures, inner)
                stack.append((rule, re.compile(rule.end), inner))
            if m.end() == pos and m.end() == m.start():
                if pos == len(line):
                    break
                emit(tokens, line[pos], scopes)
                pos += 1
            else:
                pos = m.end()
            if pos >= len(line):
                break
        # A string never spans lines (its end rule matches `$`); comments may.
        lines.append(tokens)
    return lines


def scope_of(lines, line_text, needle):
    """The innermost scopes of the token holding `needle` on the first line containing
    `line_text`."""
    for tokens in lines:
        joined = "".join(t for t, _ in tokens)
        if line_text in joined:
            at = joined.index(needle, joined.index(line_text))
            pos = 0
            for text, scopes in tokens:
                if pos <= at < pos + len(text):
                    return scopes
                pos += len(text)
    raise AssertionError(f"no line with {line_text!r}")


EXPECTED = [
    # (line, the part of it, a scope the token must have)
    ("station weld {", "station", "keyword.declaration.fab"),
    ("station weld {", "weld", "entity.name.type.fab"),
    ("    cycle = normal(mean = 52 s, sd = 4 s)", "cycle", "variable.other.property.fab"),
    ("    cycle = normal(mean = 52 s, sd = 4 s)", "normal", "support.function.fab"),
    ("    cycle = normal(mean = 52 s, sd = 4 s)", "52", "constant.numeric.fab"),
    ("    cycle = normal(mean = 52 s, sd = 4 s)", "s, sd", "keyword.other.unit.fab"),
    ("    speed = 0.4 m/s", "m/s", "keyword.other.unit.fab"),
    ("    failure = weibull(shape = 1.6, scale = 180 h) of busy_time", "failure", "variable.other.property.fab"),
    ("    failure = weibull(shape = 1.6, scale = 180 h) of busy_time", "of", "keyword.other.fab"),
    ("    failure = weibull(shape = 1.6, scale = 180 h) of busy_time", "busy_time", "constant.language.clock.fab"),
    ("    maintenance = preventive(every = 120 h, takes = 40 min)", "preventive", "support.function.fab"),
    ("flow bodies -> load", "->", "keyword.operator.arrow.fab"),
    ("flow bodies -> load", "flow", "keyword.declaration.fab"),
    ("    done = 97 %", "%", "keyword.other.unit.fab"),
    ("    c1.speed = 0.6 m/s", "c1.speed", "variable.other.property.fab"),
    ("scenario faster_conveyor : baseline {", "faster_conveyor", "entity.name.type.fab"),
    ("    spacing = 1.5 m", "// minimum", "comment.line.double-slash.fab"),
    ("//! Body shop", "Body shop", "comment.line.documentation.fab"),
    ("    product = Body", "product", "variable.other.property.fab"),
    ("    capacity = 5", "5", "constant.numeric.fab"),
]

LONG_LINE = [
    ("component Cell(cycle_time: Duration, cv: Ratio) : station {", "Cell", "entity.name.class.fab"),
    ("component Cell(cycle_time: Duration, cv: Ratio) : station {", "Duration", "storage.type.fab"),
    ("station s001 : Cell(cycle_time = 60 s, cv = 0.25)", "Cell", "entity.name.function.fab"),
]

PRESS_LINE = [
    ("    failure bearing {", "bearing", "entity.name.section.fab"),
    ("    failure bearing {", "failure", "keyword.other.nested.fab"),
    ("        after = 20000 cycles", "cycles", "keyword.other.unit.fab"),
    ("    maintenance = preventive(every = 400 h of busy_time, takes = 2 h, restores = new)", "new", "constant.language.fab"),
]

SNIPPETS = [
    # A string with an escape; a nested block comment; a division after a unit on the same line.
    ('import "std/a\\"b.fab"', '\\"', "constant.character.escape.fab"),
    ("/* outer /* inner */ still */ sink done", "still", "comment.block.fab"),
    ("/* outer /* inner */ still */ sink done", "done", "entity.name.type.fab"),
    ("    cycle = 12 m / 0.4 m/s", "/ 0", "keyword.operator.arithmetic.fab"),
    ("    rate = 30 parts/h", "parts/h", "keyword.other.unit.fab"),
]


def check(path_or_text, expectations, failures, text=None):
    text = text if text is not None else (ROOT / path_or_text).read_text()
    lines = tokenize(text)
    for line_text, needle, scope in expectations:
        try:
            scopes = scope_of(lines, line_text, needle)
        except AssertionError as error:
            failures.append(f"{path_or_text}: {error}")
            continue
        if scope not in scopes:
            failures.append(f"{path_or_text}: `{needle}` in `{line_text}` has {scopes}, not {scope}")


def main():
    failures = []
    # Every regex compiles (resolve compiles them all).
    rules = resolve(GRAMMAR["patterns"])
    for rule in rules:
        if rule.end:
            re.compile(rule.end)
    files = sorted(ROOT.glob("examples/*.fab")) + sorted(ROOT.glob("tests/**/*.fab")) + sorted(ROOT.glob("stdlib/fab/*.fab"))
    for path in files:
        lines = tokenize(path.read_text())
        for number, tokens in enumerate(lines, 1):
            joined = "".join(t for t, _ in tokens)
            original = path.read_text().split("\n")[number - 1]
            if joined != original:
                failures.append(f"{path}:{number}: tokens do not cover the line")
    check("examples/body_shop.fab", EXPECTED, failures)
    check("examples/long_line.fab", LONG_LINE, failures)
    check("examples/press_line.fab", PRESS_LINE, failures)
    check("snippets", SNIPPETS, failures, text="\n".join(line for line, _, _ in SNIPPETS))
    if failures:
        print("\n".join(failures))
        return 1
    print(f"TextMate grammar: {len(rules)} rules, {len(files)} files tokenized, "
          f"{len(EXPECTED) + len(LONG_LINE) + len(PRESS_LINE) + len(SNIPPETS)} scopes checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
