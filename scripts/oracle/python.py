#!/usr/bin/env python3
"""Oracle: does Python's `re` accept this regex?

Reads JSON Lines on stdin, one {"pattern": "...", "flags": "..."} per line,
and writes one line per input, in order:
  {"ok": true}                          re.compile(pattern, flagbits) succeeded
  {"ok": false, "error": "<message>"}   it raised (exception type and message)
  {"ok": false, "error": "...", "input_error": true}   the line was not a
                                         valid input object (not a verdict)
Flag letters: a, i, L, m, s, u, x -> re.A, re.I, re.L, re.M, re.S, re.U, re.X;
any other letter is reported as a rejection. Blank lines are ignored.
The pattern is data: it is never evaluated as code.
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


def verdict(line):
    try:
        obj = json.loads(line.decode("utf-8"))
        if not isinstance(obj, dict) or not isinstance(obj.get("pattern"), str):
            raise ValueError('expected an object with a string "pattern"')
        flags = obj.get("flags") or ""
        if not isinstance(flags, str):
            raise ValueError('"flags" must be a string')
    except Exception as e:  # noqa: BLE001 - any bad input line
        return {"ok": False, "error": f"oracle input error: {type(e).__name__}: {e}", "input_error": True}
    bits = 0
    for c in flags:
        if c not in FLAGS:
            return {"ok": False, "error": f"ValueError: unknown flag {c!r}"}
        bits |= FLAGS[c]
    try:
        re.compile(obj["pattern"], bits)
    except Exception as e:  # re.error, OverflowError, RecursionError, ValueError, ...
        return {"ok": False, "error": f"{qualname(type(e))}: {e}"}
    return {"ok": True}


def qualname(cls):
    """`re.error`, `OverflowError`: builtins unqualified, others with module."""
    if cls.__module__ in ("builtins", "__main__"):
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def main():
    # Warnings (FutureWarning "Possible nested set", DeprecationWarning) do not
    # make re.compile fail, so they are not rejections; keep stderr quiet.
    warnings.simplefilter("ignore")
    # The `re` module caches compiled patterns; a corpus has no repeats worth
    # caching, and purging keeps memory flat.
    out = sys.stdout
    data = sys.stdin.buffer
    n = 0
    for raw in data:
        # Binary iteration splits on b"\n" only; JSON strings cannot hold a raw
        # newline, so every line is one whole input.
        if not raw.strip():
            continue
        out.write(json.dumps(verdict(raw.rstrip(b"\r\n"))) + "\n")
        n += 1
        if n % 512 == 0:
            re.purge()
    out.flush()


if __name__ == "__main__":
    main()
