#!/usr/bin/env python3
"""Structural checks of the Rust sources that the compiler does not make.

1. No module of a crate imports from a module that imports it back (a cycle between
   the files of one crate, through `crate::`, `super::` or `self::` paths, `pub use`
   re-exports included).
2. No function outside tests is longer than 120 lines.
3. No source file under crates/*/src is over 800 lines, unless its first comment line
   says why it must be one file (it contains the words "one file").

Run from the repository root: `python3 scripts/check_architecture.py`. Exits 1 and lists
every finding when something is off. `.ci/run` runs it.
"""

import re
import sys
from pathlib import Path

MAX_FN_LINES = 120
MAX_FILE_LINES = 800


def strip_code(text):
    """The text with comments, strings and char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'(b?r#*")', text[i:i + 8]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'b?r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (c == "b" and text.startswith('b"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"))):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:])
            if m:
                out.append(" " * m.end())
                i += m.end()
            else:  # a lifetime
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def module_of(src, path):
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def expand_use(tree):
    """Paths of a `use` tree such as `crate::{a::b, c::{d, e}}`."""
    tree = re.sub(r"\s+", "", tree)
    results = []

    def walk(prefix, s):
        depth, start, items = 0, 0, []
        for k, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(s[start:k])
                start = k + 1
        items.append(s[start:])
        for item in items:
            if not item:
                continue
            b = item.find("{")
            if b >= 0 and item.endswith("}"):
                walk(prefix + [p for p in item[:b].split("::") if p], item[b + 1:-1])
            else:
                results.append(prefix + [p for p in item.split(" as ")[0].split("::") if p])

    walk([], tree)
    return results


def resolve(path, here, modules):
    """The module (file) that a path names, or None for paths outside the crate."""
    if not path:
        return None
    if path[0] == "crate":
        base, rest = (), path[1:]
    elif path[0] in ("super", "self"):
        base = here
        rest = list(path)
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                base = base[:-1]
            rest = rest[1:]
    else:
        return None
    best = base if base in modules else None
    cur = tuple(base)
    for seg in rest:
        cur = cur + (seg,)
        if cur in modules:
            best = cur
        else:
            break
    return best


def crate_cycles(src):
    files = {module_of(src, p): p for p in sorted(src.rglob("*.rs"))}
    edges = {m: set() for m in files}
    for mod, path in files.items():
        code = strip_code(path.read_text())
        code = drop_test_modules(code)
        paths = []
        for m in re.finditer(r"\buse\s+([^;]+);", code):
            paths += expand_use(m.group(1))
        for m in re.finditer(r"\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+", code):
            paths.append(m.group(0).split("::"))
        for p in paths:
            target = resolve(p, mod, files)
            if target is not None and target != mod:
                edges[mod].add(target)
    findings = []
    # Tarjan's strongly connected components.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            strong(v)
    for comp in comps:
        names = sorted("::".join(m) or "lib" for m in comp)
        findings.append(f"{src.parent.name}: import circle between {', '.join(names)}")
    return findings


def drop_test_modules(code):
    """The code with `#[cfg(test)]` items blanked."""
    out = list(code)
    for m in re.finditer(r"#\[cfg\(test\)\]", code):
        j = m.end()
        brace = code.find("{", j)
        semi = code.find(";", j)
        if brace < 0 or (0 <= semi < brace):
            continue
        depth, k = 0, brace
        while k < len(code):
            if code[k] == "{":
                depth += 1
            elif code[k] == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        for q in range(m.start(), min(k + 1, len(code))):
            if out[q] != "\n":
                out[q] = " "
    return "".join(out)


FN_RE = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")


def long_functions(path):
    code = drop_test_modules(strip_code(path.read_text()))
    findings = []
    for m in FN_RE.finditer(code):
        # The body starts at the first `{` after the signature (skipping `;` of trait items).
        k = m.end()
        depth_paren = 0
        while k < len(code):
            ch = code[k]
            if ch in "(<[":
                depth_paren += 1
            elif ch in ")>]":
                depth_paren -= 1
            elif ch == ";" and depth_paren <= 0:
                k = -1
                break
            elif ch == "{" and depth_paren <= 0:
                break
            k += 1
        if k < 0 or k >= len(code):
            continue
        depth, j = 0, k
        while j < len(code):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, j) + 1
        if last - first + 1 > MAX_FN_LINES:
            findings.append(f"{path}:{first}: fn {m.group(1)} is {last - first + 1} lines (at most {MAX_FN_LINES})")
    return findings


def long_file(path):
    lines = path.read_text().splitlines()
    if len(lines) <= MAX_FILE_LINES:
        return []
    first_comment = next((l for l in lines if l.strip().startswith("//")), "")
    if "one file" in first_comment:
        return []
    return [f"{path}: {len(lines)} lines (at most {MAX_FILE_LINES} unless its first comment says why it must be one file)"]


def main():
    root = Path(__file__).resolve().parent.parent
    findings = []
    for src in sorted((root / "crates").glob("*/src")):
        findings += crate_cycles(src)
        for path in sorted(src.rglob("*.rs")):
            rel = path.relative_to(root)
            findings += [f.replace(str(path), str(rel)) for f in long_functions(path)]
            findings += [f.replace(str(path), str(rel)) for f in long_file(path)]
    for f in findings:
        print(f)
    if findings:
        print(f"{len(findings)} finding(s)")
        return 1
    print("architecture checks: no import circles, no long functions, no long files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
