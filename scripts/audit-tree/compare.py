#!/usr/bin/env python3
"""Compares `redoscope audit DIR --format json` with acorn-extract.js on the
JS files (.js/.mjs/.cjs) of DIR, and checks that the audit's JSON accounts
for every regex it extracted.

    python3 scripts/audit-tree/compare.py DIR [--redoscope BIN] [--audit-json FILE] [--acorn-json FILE] [--examples N]

Exit 0 when the accounting holds and every difference has a known cause,
1 otherwise.
"""
import argparse, collections, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JS = (".js", ".mjs", ".cjs")
LITERAL_FORMS = {"string", "template", "raw"}


def run_audit(bin_, tree):
    p = subprocess.run([bin_, "audit", ".", "--format", "json", "--no-cache"], cwd=tree,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"redoscope audit exited {p.returncode}:\n{p.stderr[-2000:]}")
    return json.loads(p.stdout)


def run_acorn(tree):
    p = subprocess.run(["node", os.path.join(HERE, "acorn-extract.js"), tree],
                       stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--redoscope", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "redoscope"))
    ap.add_argument("--audit-json")
    ap.add_argument("--acorn-json")
    ap.add_argument("--examples", type=int, default=3)
    a = ap.parse_args()
    tree = os.path.abspath(a.dir)
    audit = json.load(open(a.audit_json)) if a.audit_json else run_audit(a.redoscope, tree)
    acorn = json.load(open(a.acorn_json)) if a.acorn_json else run_acorn(tree)
    ok = True

    # 1. Accounting: every extracted regex is in `findings` with a verdict.
    s = audit["summary"]
    findings, errors = audit["findings"], audit["errors"]
    verdicts = collections.Counter(f["verdict"] for f in findings)
    kinds = collections.Counter(e["kind"] for e in errors)
    print("== redoscope audit (all languages)")
    print(f"files scanned {s['files_scanned']}, skipped {s['skipped']}, regexes found {s['regexes_found']}, "
          f"unique {s['unique_patterns']}, analyzed {s['analyzed']}, elapsed {s['elapsed_ms']} ms")
    print("verdicts:", dict(verdicts), " file errors by kind:", dict(kinds))
    by_ext = collections.Counter(os.path.splitext(f["file"])[1] for f in findings)
    print("findings by extension:", dict(by_ext.most_common()))
    checks = [
        ("findings == summary.regexes_found", len(findings) == s["regexes_found"]),
        ("every finding has a verdict in safe/vulnerable/unknown/error",
         all(f["verdict"] in ("safe", "vulnerable", "unknown", "error") for f in findings)),
        ("analyzed == unique_patterns", s["analyzed"] == s["unique_patterns"]),
        ("unique_patterns == distinct (flavor, flags, mode, pattern)",
         s["unique_patterns"] == len({(f["flavor"], f["flags"], f["mode"], f["pattern"]) for f in findings})),
        ("summary.unknown == unknown findings (none suppressed)",
         s["unknown"] == sum(1 for f in findings if f["verdict"] == "unknown" and not f["suppressed"])),
        ("summary.errors == invalid regexes + file errors (warnings excluded)",
         s["errors"] == verdicts["error"] + sum(1 for e in errors if e["kind"] != "invalid-utf8")),
        ("summary.skipped == len(skipped)", s["skipped"] == len(audit["skipped"])),
        ("no extraction timeout (no regex may be missing)", kinds["timeout"] == 0),
    ]
    for name, good in checks:
        print(("ok   " if good else "FAIL ") + name)
        ok &= good

    # 2. JS files: redoscope vs acorn.
    lit = collections.defaultdict(collections.Counter)   # file -> (pattern, flags)
    call = collections.defaultdict(collections.Counter)
    xerr = collections.defaultdict(list)
    for f in findings:
        if not f["file"].endswith(JS):
            continue
        (lit if f["api"] == "regex literal" else call)[f["file"]][(f["pattern"], f["flags"])] += 1
    for e in errors:
        if e["file"].endswith(JS) and e["kind"] == "extract":
            xerr[e["file"]].append(e)
    skipped = {k["file"]: k["reason"] for k in audit["skipped"]}
    unparsed = {e["file"]: e["message"] for e in acorn["parse_errors"]}

    alit = collections.defaultdict(collections.Counter)
    acall = collections.defaultdict(collections.Counter)
    aflagless = collections.Counter()   # calls whose pattern resolves but flags do not
    aforms = collections.Counter()
    for file, v in acorn["files"].items():
        for line, col, pattern, flags in v["literals"]:
            alit[file][(pattern, flags)] += 1
        for line, col, form, pattern, flags in v["calls"]:
            aforms[(form, pattern is not None)] += 1
            if pattern is None:
                continue
            if flags is None:
                aflagless[file] += 1
            else:
                acall[file][(pattern, flags)] += 1

    n_lit_r = sum(sum(c.values()) for c in lit.values())
    n_call_r = sum(sum(c.values()) for c in call.values())
    n_lit_a = acorn["total"]["regex_literals"]
    n_call_a = sum(sum(c.values()) for c in acall.values())
    print(f"\n== JS files (.js/.mjs/.cjs): {acorn['total']['files']} parsed by {acorn['tool']}, "
          f"{len(unparsed)} it cannot parse")
    print(f"{'':34}{'redoscope':>10}{'acorn':>10}")
    print(f"{'/…/flags literals':34}{n_lit_r:>10}{n_lit_a:>10}")
    print(f"{'RegExp(…) with a known pattern':34}{n_call_r:>10}{n_call_a:>10}")
    print(f"{'  … and flags not literal (error)':34}{sum(len(v) for v in xerr.values()):>10}{sum(aflagless.values()):>10}")
    print(f"{'total':34}{n_lit_r + n_call_r + sum(len(v) for v in xerr.values()):>10}"
          f"{n_lit_a + n_call_a + sum(aflagless.values()):>10}")
    lits = sum(n for (form, known), n in aforms.items() if form in LITERAL_FORMS)
    print(f"acorn's RegExp calls: {sum(aforms.values())}: first argument a literal {lits}, "
          f"a `+` of literals {aforms[('concat', True)]}, a name bound once to one {aforms[('identifier', True)]}; "
          f"not a literal (skipped by both): `+` with variables {aforms[('concat', False)]}, "
          f"a name {aforms[('identifier', False)]}, other {aforms[('other', False)] + aforms[('none', False)]}")

    # Differences, by cause.
    causes = collections.defaultdict(list)
    for file in sorted(set(lit) | set(call) | set(alit) | set(acall) | set(xerr) | set(aflagless)):
        for kind, r, c in (("literal", lit[file], alit[file]), ("RegExp call", call[file], acall[file])):
            only_r, only_a = r - c, c - r
            for key, n in only_a.items():
                if file in skipped:
                    cause = f"file skipped by redoscope ({skipped[file]})"
                else:
                    cause = f"{kind}: acorn only"
                causes[cause].append((file, key, n))
            for key, n in only_r.items():
                if file in unparsed:
                    cause = "acorn cannot parse the file (tree-sitter recovers from the syntax error)"
                else:
                    cause = f"{kind}: redoscope only"
                causes[cause].append((file, key, n))
        if len(xerr[file]) != aflagless[file]:
            causes["RegExp with unresolved flags: counts differ"].append((file, (len(xerr[file]), aflagless[file]), 1))
    print("\n== differences by cause" + ("" if causes else ": none"))
    for cause, items in sorted(causes.items()):
        total = sum(n for _, _, n in items)
        print(f"- {cause}: {total} regex(es) in {len({f for f, _, _ in items})} file(s)")
        for file, key, n in items[:a.examples]:
            print(f"    {file}: {json.dumps(key, ensure_ascii=False)[:160]}" + (f" ×{n}" if n > 1 else ""))
    known = ("file skipped", "acorn cannot parse")
    unexplained = [c for c in causes if not c.startswith(known)]
    if unexplained:
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
