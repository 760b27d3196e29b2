#!/usr/bin/env python3
"""Match oracle: what does Python's `re` match?

Reads JSON Lines on stdin, one {"pattern": "...", "flags": "...",
"inputs": ["...", ...]} per line, and writes one line per input object, in
order:
  {"ok": true, "results": [r, ...]}     one r per input, in order:
      null                               no match
      [[start, end], [s1, e1] | null, ...]   the match and each group's span
  {"ok": false, "error": "<message>"}   re.compile(pattern, flagbits) raised
  {"ok": false, "error": "...", "input_error": true}   the line was not a
                                         valid input object
Each input is searched with `search` (leftmost match); spans are code point
offsets. Flag letters are those of scripts/oracle/python.py (a, i, L, m, s,
u, x); any other letter is reported as a compile error. Blank lines are
ignored. Patterns and inputs are data: they are never evaluated as code.
"""

import json
import re
import sys
import warnings

FLAGS = {
    "a": re.ASCII,
    "i": re.IGNORECASE,
    "L": re.LOCALE,
    "m": re.MULTILINE,
    "s": re.DOTALL,
    "u": re.UNICODE,
    "x": re.VERBOSE,
}


def answer(line):
    try:
        obj = json.loads(line.decode("utf-8"))
        if not isinstance(obj, dict) or not isinstance(obj.get("pattern"), str):
            raise ValueError('expected an object with a string "pattern"')
        flags = obj.get("flags") or ""
        if not isinstance(flags, str):
            raise ValueError('"flags" must be a string')
        inputs = obj.get("inputs")
        if not isinstance(inputs, list) or not all(isinstance(s, str) for s in inputs):
            raise ValueError('"inputs" must be an array of strings')
    except Exception as e:  # noqa: BLE001 - any bad input line
        return {"ok": False, "error": f"oracle input error: {type(e).__name__}: {e}", "input_error": True}
    bits = 0
    for c in flags:
        if c not in FLAGS:
            return {"ok": False, "error": f"ValueError: unknown flag {c!r}"}
        bits |= FLAGS[c]
    try:
        rx = re.compile(obj["pattern"], bits)
    except Exception as e:  # re.error, OverflowError, RecursionError, ValueError, ...
        return {"ok": False, "error": f"{type(e).__module__}.{type(e).__name__}: {e}"}
    results = []
    for s in inputs:
        m = rx.search(s)
        if m is None:
            results.append(None)
        else:
            results.append([None if a < 0 else [a, b] for (a, b) in m.regs])
    return {"ok": True, "results": results}


def main():
    # Warnings (FutureWarning "Possible nested set", DeprecationWarning) are
    # not errors; keep stderr quiet.
    warnings.simplefilter("ignore")
    out = sys.stdout
    n = 0
    for raw in sys.stdin.buffer:
        # Binary iteration splits on b"\n" only; JSON strings cannot hold a raw
        # newline, so every line is one whole input.
        if not raw.strip():
            continue
        out.write(json.dumps(answer(raw.rstrip(b"\r\n"))) + "\n")
        n += 1
        if n % 512 == 0:
            re.purge()
    out.flush()


if __name__ == "__main__":
    main()
