"""Times one match per input line, for scripts/attacks/real_engines.py.

In:  {"pattern", "flags", "mode": "search"|"full"|"prefix", "text"} per line.
Out: {"start": true} just before the match, then {"ms", "matched"} or
     {"error"}; the caller kills this process when a match runs too long.
"""
import json, re, sys, time

FLAGS = {"i": re.I, "m": re.M, "s": re.S, "x": re.X, "a": re.A, "u": re.U, "L": 0}


def out(o):
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    try:
        c = json.loads(line)
    except ValueError:
        out({"error": "bad input line"})
        continue
    bits = 0
    bad = [f for f in c.get("flags", "") if f not in FLAGS]
    if bad:
        out({"error": "flags %s have no Python equivalent" % "".join(bad)})
        continue
    for f in c.get("flags", ""):
        bits |= FLAGS[f]
    try:
        r = re.compile(c["pattern"], bits)
    except Exception as e:  # re.error, OverflowError, RecursionError…
        out({"error": str(e)})
        continue
    f = {"full": r.fullmatch, "prefix": r.match}.get(c.get("mode"), r.search)
    out({"start": True})
    t = time.perf_counter()
    m = f(c["text"])
    out({"ms": (time.perf_counter() - t) * 1e3, "matched": m is not None})
