#!/usr/bin/env python3
"""Replay attacks on the real engines and say whether matching time grows
super-linearly.

    python3 scripts/timing/confirm.py CASES.jsonl [--timeout 120]

CASES.jsonl has one case per line:
  {"id", "engine": "java"|"node"|"perl", "pattern", "flags", "mode": "full"|"search",
   "pumps": [{"prefix", "pump"}, ...], "suffix"}
(`target/labelled-disagreements.jsonl` rows are turned into such cases by
`--from-disagreements`, see below). Each engine runs its harness
(Timing.java, timing.js, timing.pl) on all its cases, growing the repeat count k until a
match takes 300 ms, times out (3 s) or the text passes 2M characters. Output:
one JSON line per case with the timings and a growth call:
  super-linear  timed out, or 100 ms on at most 200k characters, or a
                log-log slope (time over length) >= 1.5 reaching 50 ms
  linear        reached the length cap, or slope < 1.3
  unclear       otherwise

    python3 scripts/timing/confirm.py --from-disagreements target/labelled-disagreements.jsonl IDS... > cases.jsonl
builds cases for the given record ids (attack: the dataset's for "label
vulnerable, ours safe", ours for "label safe, ours vulnerable").
"""
import json, math, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def hex16(s):
    b = s.encode("utf-16-be", "surrogatepass")
    return b.hex()


def case_line(c):
    f = [c["id"], c["mode"], c.get("flags", ""), hex16(c["pattern"]), hex16(c.get("suffix", ""))]
    for p in c["pumps"]:
        f += [hex16(p.get("prefix", "")), hex16(p["pump"])]
    return "\t".join(f)


def from_disagreements(path, ids):
    want = set(ids)
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        key = d["id"] + "@" + d["pass"]
        if d["id"] not in want and key not in want:
            continue
        engine = "java" if d["flavor"] == "java" else "node"
        pattern = d.get("poc_regex") or d["pattern"]
        if d["kind"] == "label_vulnerable_ours_safe":
            a = d.get("dataset_attack")
            if not a:
                continue
            pumps, suffix, src = [{"prefix": a["prefix"], "pump": a["pump"]}], a["suffix"], "dataset"
        else:
            a = d["ours"]["attack"]
            pumps, suffix, src = a["pumps"], a["suffix"], "ours"
        mode = d["mode"]
        print(json.dumps({"id": key, "engine": engine, "pattern": pattern, "flags": d["flags"] if engine == "node" else "",
                          "mode": mode, "pumps": pumps, "suffix": suffix, "attack_from": src, "kind": d["kind"]}))


def classify(points):
    """(call, slope): slope is the least-squares log-log slope of time over
    length on the points that took at least 0.5 ms."""
    pts = [p for p in points if p["ms"] is not None]
    if any(p["result"] == "timeout" for p in points):
        return "super-linear", None
    if not pts:
        return "no-data", None
    big = [p for p in pts if p["ms"] >= 0.5 and p["len"] > 0]
    slope = None
    if len(big) >= 3:
        xs = [math.log(p["len"]) for p in big]
        ys = [math.log(p["ms"]) for p in big]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        if var > 0:
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var
    last = pts[-1]
    # A linear backtracking match reads 200k characters in well under 100 ms.
    slow = last["ms"] >= 100 and last["len"] <= 200_000
    if slow or (slope is not None and slope >= 1.5 and last["ms"] >= 50):
        return "super-linear", slope
    if last["len"] >= 2_000_000 or (slope is not None and slope < 1.3):
        return "linear", slope
    return "unclear", slope


def run(cases, timeout):
    out = {}
    by_engine = {}
    for c in cases:
        by_engine.setdefault(c["engine"], []).append(c)
    for engine, cs in by_engine.items():
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="ascii") as f:
            for c in cs:
                f.write(case_line(c) + "\n")
            name = f.name
        cmd = {
            "java": ["java", "-Xss64m", os.path.join(HERE, "Timing.java"), name],
            "node": ["node", "--stack-size=8000", os.path.join(HERE, "timing.js"), name],
            "perl": ["perl", os.path.join(HERE, "timing.pl"), name],
        }[engine]
        # One process per case keeps a hung case from hiding the others.
        for c in cs:
            with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="ascii") as g:
                g.write(case_line(c) + "\n")
            cmd[-1] = g.name
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
                text, note = p.stdout, p.stderr.strip()[-300:]
            except subprocess.TimeoutExpired as e:
                text = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                note = "harness killed after %ss" % timeout
            os.unlink(g.name)
            pts = []
            for line in text.splitlines():
                f = line.split("\t")
                if len(f) < 5:
                    continue
                try:
                    pts.append({"k": int(f[1]), "len": int(f[2]), "ms": float(f[3]), "result": f[4]})
                except ValueError:
                    pts.append({"k": None, "len": None, "ms": None, "result": f[4]})
            call, slope = classify(pts)
            if note.startswith("harness killed"):
                call = "super-linear"
            out[c["id"]] = {"id": c["id"], "engine": engine, "call": call, "slope": slope, "points": pts,
                            "note": note}
        os.unlink(name)
    return out


def main():
    args = sys.argv[1:]
    if args and args[0] == "--from-disagreements":
        from_disagreements(args[1], args[2:])
        return
    timeout = 120
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = int(args[i + 1])
        del args[i:i + 2]
    cases = [json.loads(l) for l in open(args[0], encoding="utf-8") if l.strip()]
    res = run(cases, timeout)
    for c in cases:
        r = res[c["id"]]
        r.update({k: c.get(k) for k in ("pattern", "mode", "kind", "attack_from")})
        print(json.dumps(r, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
