#!/usr/bin/env bash
# Installs the pinned audit tree into DIR (default /tmp/redoscope-audit-tree):
#   DIR/node_modules  npm packages of npm/package-lock.json (npm ci --ignore-scripts)
#   DIR/pypi/NAME-V/  PyPI sdists (pip download --no-deps --no-binary :all:), unpacked
# No package install script is ever run: npm with --ignore-scripts, and the
# sdists are only downloaded and unpacked, never built.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-/tmp/redoscope-audit-tree}"
mkdir -p "$dir/pypi" "$dir/sdists"
dir="$(cd "$dir" && pwd)"

cp "$here/npm/package.json" "$here/npm/package-lock.json" "$dir/"
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund)

# Pinned PyPI sdists. Not `pip download --no-binary :all:`: to read an
# sdist's metadata pip runs its build backend (setup.py), i.e. the package's
# code. The archives are fetched through PyPI's simple index (JSON) instead, checked
# against its sha256, and only unpacked.
python3 - "$dir/sdists" <<'PY'
import json, sys, urllib.request, hashlib, os
PINS = [("requests", "2.32.3"), ("Jinja2", "3.1.4"), ("Pygments", "2.18.0"),
        ("Markdown", "3.7"), ("docutils", "0.21.2"), ("Babel", "2.16.0")]
out = sys.argv[1]
for name, version in PINS:
    req = urllib.request.Request(f"https://pypi.org/simple/{name.lower()}/",
                                 headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    files = json.load(urllib.request.urlopen(req))["files"]
    want = {f"{name}-{version}.tar.gz".lower(), f"{name.replace('-', '_')}-{version}.tar.gz".lower()}
    sdists = [f for f in files if f["filename"].lower() in want]
    if not sdists:
        sys.exit(f"{name} {version}: no sdist")
    u = sdists[0]
    u["digests"] = u["hashes"]
    path = os.path.join(out, u["filename"])
    if not os.path.exists(path):
        data = urllib.request.urlopen(u["url"]).read()
        if hashlib.sha256(data).hexdigest() != u["digests"]["sha256"]:
            sys.exit(f"{u['filename']}: sha256 mismatch")
        with open(path, "wb") as f:
            f.write(data)
    print(u["filename"])
PY
for a in "$dir"/sdists/*.tar.gz; do tar -xzf "$a" -C "$dir/pypi"; done
rm -rf "$dir/sdists"
echo "installed into $dir: $(find "$dir" -type f | wc -l) files, $(du -sh "$dir" | cut -f1)"
