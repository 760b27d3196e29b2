#!/usr/bin/env python3
"""Time the corpus's vulnerable patterns on a real backtracking engine.

    cargo build --release
    python3 corpus/measure.py [corpus/vulnerable.toml] [NAME...]

For each entry (or only the named ones) it takes the attack redoscope
generates (`redoscope check --format json`), or the entry's own `attack`
table when the analyzer has none (`attack_source = "known"` forces it), and
runs it at growing repeat counts on the entry's engine: `engine` if set,
else node for js, python3 for python, java for java (PCRE and Ruby entries
name an engine whose syntax reads the pattern the same way). One match per
length, in a child process, stopped after a few seconds. It prints one line
per entry, ready to paste as the entry's `# measured:` comment:

    # measured: node 20.20.2, analyzer attack: 2,002 chars 12 ms, 4,002 chars 48 ms,
    #   8,002 chars 190 ms (x4.0 per doubling)

Nothing here runs in `cargo test`: the test (tests/corpus.rs) checks the
analyzer's verdicts only. Needs Python 3.11 (tomllib).
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDOSCOPE = os.path.join(ROOT, "target", "release", "redoscope")
# Stop growing once one match takes this long, or the text is this long.
LIMIT_S = 1.0
MAX_LEN = 200_000
CHILD_TIMEOUT_S = 30

NODE = r"""
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(0, 'utf8'));
let src = c.pattern, flags = c.flags.replace(/[gy]/g, '');
if (c.mode === 'full') src = '^(?:' + src + ')$';
if (c.mode === 'prefix') flags += 'y';
const re = new RegExp(src, c.replace ? flags + 'g' : flags);
for (const k of c.repeats) {
  let s = '';
  for (const p of c.pumps) s += p.prefix + p.pump.repeat(k);
  s += c.suffix;
  re.lastIndex = 0;
  const t0 = process.hrtime.bigint();
  // `replace` runs the whole global scan, as String.prototype.replace with /g.
  const m = c.replace ? s.replace(re, '') !== s : re.test(s);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({k, len: s.length, ms, m}));
  if (ms > c.limit_ms || s.length > c.max_len) break;
}
"""

PYTHON = r"""
import json, re, sys, time
c = json.load(sys.stdin)
fl = 0
for ch in c["flags"]:
    fl |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X, "a": re.A, "u": re.U}[ch]
rx = re.compile(c["pattern"], fl)
run = {"search": rx.search, "full": rx.fullmatch, "prefix": rx.match}[c["mode"]]
for k in c["repeats"]:
    s = "".join(p["prefix"] + p["pump"] * k for p in c["pumps"]) + c["suffix"]
    t0 = time.perf_counter()
    m = run(s) is not None
    ms = (time.perf_counter() - t0) * 1e3
    print(json.dumps({"k": k, "len": len(s), "ms": ms, "m": m}), flush=True)
    if ms > c["limit_ms"] or len(s) > c["max_len"]:
        break
"""

JAVA = r"""
import java.util.regex.*;
import java.nio.file.*;
public class Measure {
  public static void main(String[] a) throws Exception {
    // args: flags mode suffix repeats... ; pattern and pumps in files
    String pat = Files.readString(Path.of(a[0]));
    String[] pp = Files.readString(Path.of(a[1])).split("\u0000", -1);
    String flags = a[2], mode = a[3], suffix = Files.readString(Path.of(a[4]));
    int f = 0;
    for (char ch : flags.toCharArray()) {
      if (ch == 'i') f |= Pattern.CASE_INSENSITIVE;
      if (ch == 'm') f |= Pattern.MULTILINE;
      if (ch == 's') f |= Pattern.DOTALL;
      if (ch == 'x') f |= Pattern.COMMENTS;
      if (ch == 'u') f |= Pattern.UNICODE_CASE;
      if (ch == 'U') f |= Pattern.UNICODE_CHARACTER_CLASS;
    }
    Pattern p = Pattern.compile(pat, f);
    for (int i = 5; i < a.length; i++) {
      int k = Integer.parseInt(a[i]);
      StringBuilder b = new StringBuilder();
      for (int j = 0; j + 1 < pp.length; j += 2) { b.append(pp[j]); b.append(pp[j + 1].repeat(k)); }
      b.append(suffix);
      String s = b.toString();
      Matcher m = p.matcher(s);
      long t0 = System.nanoTime();
      boolean r = mode.equals("full") ? m.matches() : mode.equals("prefix") ? m.lookingAt() : m.find();
      double ms = (System.nanoTime() - t0) / 1e6;
      System.out.println("{\"k\":" + k + ",\"len\":" + s.length() + ",\"ms\":" + ms + ",\"m\":" + r + "}");
      System.out.flush();
      if (ms > 1000 || s.length() > 200000) break;
    }
  }
}
"""


def version(engine):
    try:
        if engine == "node":
            return "node " + subprocess.check_output(["node", "--version"], text=True).strip().lstrip("v")
        if engine == "python":
            return "python " + sys.version.split()[0]
        if engine == "java":
            out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
            return "java " + out.split('"')[1]
    except Exception as e:  # noqa: BLE001
        return f"{engine} (version unknown: {e})"
    return engine


def analyzer_attack(e):
    cmd = [REDOSCOPE, "check", "--format", "json", "--flavor", e["flavor"], "--flags", e.get("flags", "")]
    if "mode" in e:
        cmd += ["--mode", e["mode"]]
    cmd += ["--", e["pattern"]]
    out = subprocess.run(cmd, capture_output=True, text=True)
    line = out.stdout.splitlines()[0] if out.stdout else "{}"
    r = json.loads(line)
    a = r.get("attack")
    return r, a


def repeats(pump_len, exponential):
    if exponential:
        return list(range(8, 61, 2))
    ks, n = [], 250
    while n * pump_len <= MAX_LEN * 2:
        ks.append(max(1, n // pump_len))
        n *= 2
    return ks


def run_engine(engine, e, mode, pumps, suffix, ks):
    case = {
        "pattern": e.get("engine_pattern", e["pattern"]),
        "flags": e.get("engine_flags", e.get("flags", "")),
        "mode": mode,
        "pumps": pumps,
        "suffix": suffix,
        "repeats": ks,
        "limit_ms": LIMIT_S * 1e3,
        "max_len": MAX_LEN,
        "replace": e.get("js_call") == "replace",
    }
    with tempfile.TemporaryDirectory() as d:
        if engine == "node":
            cmd, stdin = ["node", "-e", NODE], json.dumps(case)
        elif engine == "python":
            cmd, stdin = [sys.executable, "-c", PYTHON], json.dumps(case)
        elif engine == "java":
            src = os.path.join(d, "Measure.java")
            open(src, "w").write(JAVA)
            files = []
            for name, text in [
                ("pat", case["pattern"]),
                ("pumps", "\0".join(x for p in pumps for x in (p["prefix"], p["pump"]))),
                ("suffix", suffix),
            ]:
                path = os.path.join(d, name)
                open(path, "w", encoding="utf-8").write(text)
                files.append(path)
            cmd = ["java", src, files[0], files[1], case["flags"], mode, files[2]] + [str(k) for k in ks]
            stdin = ""
        else:
            raise SystemExit(f"unknown engine {engine}")
        rows = []
        try:
            p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
            out, err = p.stdout, p.stderr
        except subprocess.TimeoutExpired as t:
            out = t.stdout.decode() if isinstance(t.stdout, bytes) else (t.stdout or "")
            err = "timeout"
        for line in out.splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
        return rows, err


def summary(rows, timed_out):
    parts = [f"{r['len']:,} chars {r['ms']:.0f} ms" for r in rows[-3:]]
    if timed_out:
        parts.append(f"next length still running after {CHILD_TIMEOUT_S} s")
    growth = ""
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        if a["ms"] > 0.5 and b["len"] > a["len"]:
            ratio = b["ms"] / a["ms"]
            per_doubling = ratio ** (math.log(2) / math.log(b["len"] / a["len"]))
            if b["k"] - a["k"] <= 4 and b["len"] / a["len"] < 1.5:
                growth = f" (x{ratio:.1f} per +{b['k'] - a['k']} repeats)"
            else:
                growth = f" (x{per_doubling:.1f} per doubling)"
    return ", ".join(parts) + growth


def main():
    args = sys.argv[1:]
    path = os.path.join(ROOT, "corpus", "vulnerable.toml")
    if args and args[0].endswith(".toml"):
        path = args.pop(0)
    want = set(args)
    entries = tomllib.load(open(path, "rb"))["entry"]
    for e in entries:
        if want and e["name"] not in want:
            continue
        engine = e.get("engine") or {"js": "node", "python": "python", "java": "java"}.get(e["flavor"], "node")
        report, a = analyzer_attack(e)
        source = "analyzer attack"
        if a is None or e.get("attack_source") == "known":
            a = e.get("attack")
            source = "known attack"
            if a is None:
                print(f"{e['name']}: no attack ({report.get('verdict')}: {report.get('reason')})")
                continue
            a = {"pumps": [{"prefix": a.get("prefix", ""), "pump": a["pump"]}], "suffix": a.get("suffix", "")}
        mode = e.get("mode") or report.get("mode") or "search"
        exponential = (report.get("complexity") or {}).get("kind") == "exponential" or e.get("expected", {}).get(
            "complexity"
        ) == "exponential"
        pump_len = sum(len(p["pump"]) for p in a["pumps"]) or 1
        ks = repeats(pump_len, exponential)
        t0 = time.time()
        rows, err = run_engine(engine, e, mode, a["pumps"], a["suffix"], ks)
        timed_out = err == "timeout"
        if not rows and err and not timed_out:
            print(f"{e['name']}: {engine} failed: {err.strip().splitlines()[-1] if err.strip() else err}")
            continue
        matched = any(r["m"] for r in rows)
        note = " (the search matches in the end)" if matched else ""
        api = "replace with /g" if e.get("js_call") == "replace" else mode
        print(f"{e['name']}: # measured: {version(engine)}, {api}, {source}: {summary(rows, timed_out)}{note}"
              f"  [{time.time() - t0:.0f}s]", flush=True)


if __name__ == "__main__":
    main()
