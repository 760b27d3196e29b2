#!/usr/bin/env python3
"""Replay redoscope's attacks on the real engines: does one match take at
least a second?

    python3 scripts/attacks/real_engines.py ATTACKS.jsonl [--engines node,python]
        [--threshold 1.0] [--jobs 2] [--out RESULTS.jsonl] [--limit N]

ATTACKS.jsonl: one case per line with "id", "pattern", "flags", "flavor",
"mode" and "attack" (the attack text, or an object with "string"): the
`target/labelled-vulnerable.jsonl` that `cargo test --release --test tests
labelled -- --ignored` writes, or `redoscope check --format json` lines.

Each engine runs a small driver (timer.js, timer.py) that reads cases on
stdin — patterns and texts are data, never a command line or a shell — and
reports when the match starts; a match still running `threshold` seconds
later is killed (the driver is restarted) and counts as slow. Node gets
`--max-old-space-size`, Python an address-space limit. Cases whose pattern
the engine rejects are counted apart. Prints one summary per engine and,
with --out, one JSON line per case and engine.
"""
import argparse, json, os, queue, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
MEMORY_BYTES = 4 << 30


def limit_memory():
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def command(engine):
    if engine == "node":
        return ["node", "--max-old-space-size=2048", os.path.join(HERE, "timer.js")], None
    if engine == "python":
        return [sys.executable, os.path.join(HERE, "timer.py")], limit_memory
    raise SystemExit("unknown engine %r (node or python)" % engine)


class Driver:
    def __init__(self, engine):
        self.engine = engine
        self.proc = None

    def start(self):
        argv, pre = command(self.engine)
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", bufsize=1, preexec_fn=pre,
        )
        self.lines = queue.Queue()
        proc, lines = self.proc, self.lines

        def pump():
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def kill(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def next(self, timeout):
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise EOFError
        return json.loads(line)

    def run(self, case, threshold):
        if self.proc is None:
            self.start()
        try:
            self.proc.stdin.write(json.dumps(case) + "\n")
            self.proc.stdin.flush()
            first = self.next(30)
            if "error" in first:
                return {"status": "rejected", "error": first["error"]}
            started = time.monotonic()
            try:
                res = self.next(threshold)
            except queue.Empty:
                waited = time.monotonic() - started
                self.kill()
                return {"status": "slow", "ms": waited * 1e3, "killed": True}
            if "error" in res:
                return {"status": "rejected", "error": res["error"]}
            slow = res["ms"] >= threshold * 1e3
            return {"status": "slow" if slow else "fast", "ms": res["ms"], "matched": res["matched"]}
        except (EOFError, BrokenPipeError, queue.Empty, ValueError) as e:
            self.kill()
            return {"status": "crashed", "error": type(e).__name__}


def attack_text(c):
    a = c.get("attack")
    if isinstance(a, dict):
        a = a.get("string")
    return a


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("--engines", default="node,python")
    ap.add_argument("--threshold", type=float, default=1.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    cases = []
    for line in open(args.input, encoding="utf-8"):
        c = json.loads(line)
        if attack_text(c) is None:
            continue
        cases.append(c)
    if args.limit:
        cases = cases[: args.limit]
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    for engine in args.engines.split(","):
        exe = "node" if engine == "node" else sys.executable
        if not any(os.access(os.path.join(d, exe), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep)) and not os.path.isabs(exe):
            print("skipping %s: not on PATH" % engine)
            continue
        work = queue.Queue()
        for i, c in enumerate(cases):
            work.put(i)
        results = [None] * len(cases)
        t0 = time.monotonic()

        def worker():
            d = Driver(engine)
            while True:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    break
                c = cases[i]
                text = attack_text(c)
                case = {"pattern": c["pattern"], "flags": c.get("flags", ""), "mode": c.get("mode", "search"), "text": text}
                r = d.run(case, args.threshold)
                r["length"] = len(text)
                results[i] = r
            d.kill()

        threads = [threading.Thread(target=worker) for _ in range(args.jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counts = {}
        for c, r in zip(cases, results):
            counts[r["status"]] = counts.get(r["status"], 0) + 1
            if out:
                out.write(json.dumps({"engine": engine, "id": c.get("id"), "pattern": c["pattern"],
                                      "complexity": c.get("complexity"), **r}) + "\n")
        ran = sum(v for k, v in counts.items() if k in ("slow", "fast", "crashed"))
        slow = counts.get("slow", 0)
        over = sum(1 for r in results if r["length"] > 100_000)
        print("%s: %d cases, %d rejected by the engine, %d run: %d took >= %.1f s (%.2f%%), %d faster, %d crashed; %d attacks over 100,000 chars; %.0f s"
              % (engine, len(cases), counts.get("rejected", 0), ran, slow, args.threshold,
                 100.0 * slow / ran if ran else 0.0, counts.get("fast", 0), counts.get("crashed", 0), over,
                 time.monotonic() - t0))
        for c, r in zip(cases, results):
            if r["status"] in ("fast", "crashed"):
                print("  %s %s: %s %s" % (r["status"], c.get("id"), json.dumps(c["pattern"]),
                                          {k: v for k, v in r.items() if k != "status"}))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
