#!/usr/bin/env python3
"""Wall time and peak memory of `redoscope audit DIR --format json`, next to
the I/O floor: listing the tree and reading every file (`rg --files DIR |
xargs cat` when rg exists, else `find` with rg's default rule for a tree
outside git: hidden entries skipped). A benchmark, not a test.

    python3 scripts/audit-tree/bench.py DIR [--redoscope BIN] [--runs 3]

Cold runs first evict the tree's files from the page cache
(posix_fadvise DONTNEED on each file: only this tree, nothing else on the
machine). Medians of --runs. `extract only` is the same audit with
`--shard 1/1000`: the walk, the reading and the extraction of every file,
and the analysis of about 1/1000 of the unique patterns.
"""
import argparse, os, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def evict(tree):
    for d, dirs, files in os.walk(tree):
        for f in files:
            try:
                fd = os.open(os.path.join(d, f), os.O_RDONLY | os.O_NOFOLLOW)
            except OSError:
                continue
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def timed(cmd, cwd):
    """(wall seconds, peak RSS in MB) of a shell command."""
    gnu = os.path.exists("/usr/bin/time")
    if gnu:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", "/tmp/.redoscope-bench-time", "sh", "-c", cmd]
    else:
        full = ["sh", "-c", cmd]
    t = time.perf_counter()
    p = subprocess.run(full, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd}: exit {p.returncode}\n{p.stderr[-2000:]}")
    if gnu:
        _, rss = open("/tmp/.redoscope-bench-time").read().split()[-2:]
        return wall, int(rss) / 1024
    import resource
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def series(name, cmd, tree, runs, cold):
    out = []
    for _ in range(runs):
        if cold:
            evict(tree)
        out.append(timed(cmd, tree))
    wall = statistics.median(w for w, _ in out)
    rss = statistics.median(r for _, r in out)
    print(f"{name:<34} {'cold' if cold else 'warm'}  {wall:7.2f} s  {rss:7.0f} MB   "
          f"(runs: {', '.join(f'{w:.2f}' for w, _ in out)})", flush=True)
    return wall, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--redoscope", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "redoscope"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    tree = os.path.abspath(a.dir)
    bin_ = os.path.abspath(a.redoscope)
    if shutil.which("rg"):
        floor_cmd, floor = "rg --files . | xargs -d '\\n' cat > /dev/null", "rg --files | xargs cat"
    else:
        floor_cmd = "find . -mindepth 1 -name '.*' -prune -o -type f -print0 | xargs -0 cat > /dev/null"
        floor = "find (no hidden) | xargs cat"
    nfiles, nbytes = 0, 0
    for d, dirs, files in os.walk(tree):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        for f in files:
            if not f.startswith(".") and os.path.isfile(os.path.join(d, f)):
                nfiles += 1
                nbytes += os.path.getsize(os.path.join(d, f))
    size = f"{nbytes / 1e6:.0f} MB"
    print(f"tree {tree}: {nfiles} files, {size}; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
    audit = f"{bin_} audit . --format json > /dev/null"
    shard = f"{bin_} audit . --format jsonl --shard 1/1000 > /dev/null"
    res = {}
    for cold in (True, False):
        res[("floor", cold)] = series(floor, floor_cmd, tree, a.runs, cold)
        res[("audit", cold)] = series("redoscope audit --format json", audit, tree, a.runs, cold)
        res[("shard", cold)] = series("  extract only (--shard 1/1000)", shard, tree, a.runs, cold)
    for cold in (True, False):
        f, au, sh = res[("floor", cold)][0], res[("audit", cold)][0], res[("shard", cold)][0]
        print(f"{'cold' if cold else 'warm'}: audit / floor = {au / f:.1f}×, "
              f"extract-only / floor = {sh / f:.1f}×")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
