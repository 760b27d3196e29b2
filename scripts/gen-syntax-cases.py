#!/usr/bin/env python3
"""Generate tests/cases/syntax/<flavor>.toml: syntax edge cases with the real
engine's verdict on each.

Usage:
    scripts/gen-syntax-cases.py [--check] [FLAVOR ...]

FLAVOR is js, python, java or pcre (default: all four). For each one, the
candidates in scripts/syntax-cases/<flavor>.txt go through the flavor's oracle
(scripts/oracle/: node, python3, java, and PCRE2 through
`cargo run --example pcre2-oracle`), and the cases are written with the
verdicts as `accept` and `engine_error`. With --check nothing is written: the
script says which cases in the existing files have a different verdict (or are
missing or extra) and exits 1 if any do.

Candidate file format, one case per line:

    ## Section title          starts a section (a comment in the TOML file)
    # anything                a comment (also a lone '#'); blank lines are skipped
    PATTERN                   a case with no flags and no note
    PATTERN  flags=u  -- note text

The pattern runs up to the first run of two or more spaces that is followed
by `flags=` or `-- `; it is taken as it is otherwise (backslashes and all).
`flags=A|B|C` makes one case per alternative (`flags=|u|v`: no flags, u, v).
A pattern that has a tab, a newline, trailing spaces, or that starts with '#'
is written as `json:"..."` (a JSON string). The same pattern and flags twice
in one file is an error.

Verdicts depend on the engine version; it is recorded in each file's `engine`.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = ROOT / "scripts" / "syntax-cases"
OUT = ROOT / "tests" / "cases" / "syntax"
FLAVORS = ("js", "python", "java", "pcre")
# Quadratic on long runs of spaces; it reads our own short case lines.
SEP = re.compile(r"\s{2,}(?=flags=|-- )")  # redoscope-ignore: trusted, short input


class CandidateError(Exception):
    pass


def read_candidates(flavor):
    """[(section or None, pattern, flags, note or None)] in file order."""
    path = CANDIDATES / f"{flavor}.txt"
    cases = []
    seen = {}
    section = None
    pending_section = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        where = f"{path.relative_to(ROOT)}:{lineno}"
        line = raw
        if line.strip() == "":
            continue
        if line.startswith("## "):
            pending_section = line[3:].strip()
            continue
        if line == "#" or line.startswith("# "):
            continue
        parts = SEP.split(line)
        pattern = parts[0]
        flags_list = [""]
        note = None
        for part in parts[1:]:
            if part.startswith("flags="):
                flags_list = part[len("flags="):].strip().split("|")
            elif part.startswith("-- "):
                note = part[3:].strip()
            else:
                raise CandidateError(f"{where}: cannot read {part!r}")
        if pattern.startswith("json:"):
            try:
                pattern = json.loads(pattern[5:])
            except json.JSONDecodeError as e:
                raise CandidateError(f"{where}: bad json pattern: {e}") from e
            if not isinstance(pattern, str):
                raise CandidateError(f"{where}: json pattern is not a string")
        elif pattern != pattern.rstrip() or "\t" in pattern:
            raise CandidateError(f"{where}: trailing space or tab: write it as json:\"...\"")
        for flags in flags_list:
            key = (pattern, flags)
            if key in seen:
                raise CandidateError(
                    f"{where}: duplicate of line {seen[key]}: {pattern!r} flags {flags!r}"
                )
            seen[key] = lineno
            if pending_section is not None:
                section, pending_section = pending_section, None
                cases.append((section, pattern, flags, note))
            else:
                cases.append((None, pattern, flags, note))
    return cases


def run(cmd, stdin=None, env=None):
    return subprocess.run(
        cmd,
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def engine_of(flavor):
    """(description, command) for the flavor's oracle."""
    if flavor == "js":
        v = run(["node", "--version"]).stdout.decode().strip()
        return f"node {v}: new RegExp(pattern, flags)", ["node", "scripts/oracle/node.js"]
    if flavor == "python":
        v = run(["python3", "-c", "import sys; print(sys.version.split()[0])"]).stdout.decode().strip()
        return (
            f"Python {v}: re.compile(pattern, flags)",
            ["python3", "scripts/oracle/python.py"],
        )
    if flavor == "java":
        out = run(["java", "--version"])
        v = (out.stdout or out.stderr).decode().splitlines()[0].strip()
        return f"{v}: java.util.regex.Pattern.compile(pattern, flags)", [
            "java",
            "scripts/oracle/Oracle.java",
        ]
    if flavor == "pcre":
        versions = cargo_lock_versions()
        sys_v = versions.get("pcre2-sys", "?")
        crate_v = versions.get("pcre2", "?")
        return (
            f"PCRE2 {bundled_pcre2_version()} bundled with pcre2-sys {sys_v} "
            f"(pcre2 crate {crate_v}): pcre2_compile",
            ["cargo", "run", "--quiet", "--example", "pcre2-oracle"],
        )
    raise ValueError(flavor)


def bundled_pcre2_version():
    """PACKAGE_VERSION of the PCRE2 sources that pcre2-sys builds (its Rust
    bindings, and so pcre2::version(), may name an older release)."""
    # Only the host's dependencies: with --offline, resolving every target's
    # would need crates (wasi, ...) that were never downloaded.
    host = run(["rustc", "-vV"]).stdout.decode()
    m = re.search(r"^host: (\S+)", host, re.M)
    platform = ["--filter-platform", m.group(1)] if m else []
    out = run(["cargo", "metadata", "--format-version", "1", "--offline", *platform])
    try:
        meta = json.loads(out.stdout)
        manifest = next(
            p["manifest_path"] for p in meta["packages"] if p["name"] == "pcre2-sys"
        )
        config = Path(manifest).parent / "upstream" / "include" / "config.h"
        m = re.search(r'#define PACKAGE_VERSION "([^"]+)"', config.read_text())
        return m.group(1) if m else "?"
    except (ValueError, StopIteration, OSError):
        return "?"


def cargo_lock_versions():
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text(encoding="utf-8"))
    return {p["name"]: p["version"] for p in lock.get("package", [])}


def verdicts(flavor, cases):
    engine, cmd = engine_of(flavor)
    lines = "".join(
        json.dumps({"pattern": p, "flags": f}) + "\n" for _, p, f, _ in cases
    ).encode("utf-8")
    env = dict(os.environ)
    env["PCRE2_SYS_STATIC"] = "1"  # never a system libpcre2 of another version
    out = run(cmd, stdin=lines, env=env)
    answers = [l for l in out.stdout.decode("utf-8").split("\n") if l.strip()]
    if out.returncode != 0 or len(answers) != len(cases):
        sys.exit(
            f"{' '.join(cmd)} exited with {out.returncode} after {len(answers)} of "
            f"{len(cases)} answers:\n{out.stderr.decode(errors='replace')[-4000:]}"
        )
    result = []
    for (section, pattern, flags, note), answer in zip(cases, answers):
        a = json.loads(answer)
        if a.get("input_error"):
            sys.exit(f"{flavor}: the oracle could not read {pattern!r}: {a.get('error')}")
        ok = bool(a["ok"])
        error = None if ok else (a.get("error") or "(no message)")
        result.append(
            {
                "section": section,
                "pattern": pattern,
                "flags": flags,
                "accept": ok,
                "engine_error": error,
                "note": note,
            }
        )
    return engine, result


def toml_string(s):
    """A TOML string for s: a literal '...' or '''...''' where it can be one."""
    if "\r" in s or "\x7f" in s or any(ord(c) < 0x20 and c not in "\t\n" for c in s):
        return toml_basic(s)
    if "\n" not in s and "'" not in s:
        return f"'{s}'"
    if "\n" in s and "'''" not in s and not s.startswith("\n") and not s.endswith("'"):
        return f"'''{s}'''"
    return toml_basic(s)


def toml_basic(s):
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def render(flavor, engine, cases):
    out = [
        f"# Syntax edge cases for the {flavor} flavor, with the real engine's verdicts.",
        f"# GENERATED by scripts/gen-syntax-cases.py from scripts/syntax-cases/{flavor}.txt:",
        "# edit that file and rerun the script; do not edit the verdicts by hand.",
        "# Checked by tests/syntax_cases.rs against redoscope::syntax::parse.",
        "",
        f"flavor = {toml_basic(flavor)}",
        f"engine = {toml_basic(engine)}",
    ]
    for c in cases:
        if c["section"]:
            out += ["", f"# == {c['section']} =="]
        out += ["", "[[case]]", f"pattern = {toml_string(c['pattern'])}"]
        if c["flags"]:
            out.append(f"flags = {toml_basic(c['flags'])}")
        out.append(f"accept = {'true' if c['accept'] else 'false'}")
        if c["engine_error"] is not None:
            out.append(f"engine_error = {toml_basic(c['engine_error'])}")
        if c["note"]:
            out.append(f"note = {toml_basic(c['note'])}")
    return "\n".join(out) + "\n"


def key(c):
    return (c["pattern"], c.get("flags", ""))


def check(flavor, cases):
    path = OUT / f"{flavor}.toml"
    if not path.exists():
        print(f"{flavor}: {path.relative_to(ROOT)} is missing")
        return False
    old = {key(c): c for c in tomllib.loads(path.read_text(encoding="utf-8")).get("case", [])}
    new = {key(c): c for c in cases}
    good = True
    for k, c in new.items():
        o = old.get(k)
        if o is None:
            print(f"{flavor}: not in the file: {k[0]!r} flags {k[1]!r}")
            good = False
        elif o["accept"] != c["accept"]:
            print(
                f"{flavor}: verdict changed: {k[0]!r} flags {k[1]!r}: file "
                f"{o['accept']} ({o.get('engine_error')}), engine now {c['accept']} ({c['engine_error']})"
            )
            good = False
    for k in old:
        if k not in new:
            print(f"{flavor}: no longer a candidate: {k[0]!r} flags {k[1]!r}")
            good = False
    return good


def main(argv):
    check_only = "--check" in argv
    flavors = [a for a in argv if a != "--check"] or list(FLAVORS)
    for f in flavors:
        if f not in FLAVORS:
            sys.exit(f"unknown flavor {f!r} (expected one of {', '.join(FLAVORS)})")
    all_good = True
    for flavor in flavors:
        try:
            candidates = read_candidates(flavor)
        except CandidateError as e:
            sys.exit(str(e))
        engine, cases = verdicts(flavor, candidates)
        rejected = sum(not c["accept"] for c in cases)
        print(f"{flavor}: {len(cases)} cases, {rejected} rejected by {engine}")
        if check_only:
            all_good &= check(flavor, cases)
            continue
        text = render(flavor, engine, cases)
        # The file must read back as exactly what was meant.
        back = tomllib.loads(text)["case"]
        assert [(c["pattern"], c.get("flags", ""), c["accept"]) for c in back] == [
            (c["pattern"], c["flags"], c["accept"]) for c in cases
        ], f"{flavor}: TOML round trip"
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{flavor}.toml").write_text(text, encoding="utf-8")
    if not all_good:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
