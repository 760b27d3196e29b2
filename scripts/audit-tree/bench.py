#!/usr/bin/env python3
"""Wall time and peak memory of `redoscope audit DIR --format json`, next to
the I/O floor: listing the tree and reading every file (`rg --files DIR |
xargs cat` when rg exists, else `find` with rg's default rule for a tree
outside git: hidden entries skipped). A benchmark, not a test.

    python3 scripts/audit-tree/bench.py DIR [--redoscope BIN] [--runs 3]

Cold runs first evict the tree's files from the page cache
(posix_fadvise DONTNEED on each file: only this tree, nothing else on the
machine). Medians of --runs. Three audits:
- `first run`: `--no-cache`, everything extracted and analyzed;
- `extract only`: the same with `--shard 1/1000`: the walk, the reading
  and the extraction of every file, the analysis of ~1/1000 of the unique
  patterns;
- `unchanged tree`: a re-audit with the cache a previous run left (every
  file is still read and hashed; extractions and analyses come from the
  cache), the case of a CI job on a tree that changed little.
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
    import tempfile
    cache = tempfile.mkdtemp(prefix="redoscope-bench-cache-")
    audit = f"{bin_} audit . --format json --no-cache > /dev/null"
    shard = f"{bin_} audit . --format jsonl --no-cache --shard 1/1000 > /dev/null"
    cached = f"{bin_} audit . --format json --cache-dir {cache} > /dev/null"
    timed(cached, tree)  # fills the cache
    res = {}
    for cold in (True, False):
        res[("floor", cold)] = series(floor, floor_cmd, tree, a.runs, cold)
        res[("audit", cold)] = series("audit, first run (--no-cache)", audit, tree, a.runs, cold)
        res[("shard", cold)] = series("  extract only (--shard 1/1000)", shard, tree, a.runs, cold)
        res[("cached", cold)] = series("audit, unchanged tree (cache)", cached, tree, a.runs, cold)
    shutil.rmtree(cache, ignore_errors=True)
    for cold in (True, False):
        f = res[("floor", cold)][0]
        au, sh, ca = (res[(k, cold)][0] for k in ("audit", "shard", "cached"))
        print(f"{'cold' if cold else 'warm'}: first run / floor = {au / f:.1f}×, "
              f"extract-only / floor = {sh / f:.1f}×, unchanged tree / floor = {ca / f:.1f}×")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
