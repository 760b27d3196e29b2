# redoscope driver for python `re`. Run as `python3 -I -c <this source> <memory bytes>`;
# the protocol is documented in crates/harness/src/engines/process.rs.
# Every string travels as comma-separated lowercase hex code points, so
# nothing in a pattern or an input is ever interpreted as code or protocol.
import re
import sys
import time
import warnings

warnings.simplefilter("ignore")

if len(sys.argv) > 1 and int(sys.argv[1]) > 0:
    import resource

    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

FLAGS = {
    "i": re.IGNORECASE,
    "m": re.MULTILINE,
    "s": re.DOTALL,
    "x": re.VERBOSE,
    "a": re.ASCII,
    "u": re.UNICODE,
    "L": re.LOCALE,
}


def dec(h):
    if h == "":
        return ""
    # Only hex digits and commas (int() would also take "_", "+", spaces);
    # an empty field fails in int(), a too large value in chr().
    if h.strip("0123456789abcdef,"):
        raise ValueError("bad code points")
    # In slices, so that a long input needs little more memory than itself.
    out = []
    start, n = 0, len(h)
    while start < n:
        end = h.find(",", start + (1 << 18))
        if end < 0:
            end = n
        out.append("".join(map(chr, [int(p, 16) for p in h[start:end].split(",")])))
        start = end + 1
    return "".join(out)


def enc(s):
    return ",".join("%x" % ord(c) for c in s)


out = sys.stdout


def say(line):
    out.write(line + "\n")
    out.flush()


def main():
    rx = None
    match = None
    say("ready\t" + sys.version.split()[0])
    stdin = sys.stdin.buffer
    while True:
        raw = stdin.readline()
        if not raw:
            return
        a = raw.decode("ascii").rstrip("\n").split("\t")
        cmd = a[0]
        if cmd == "compile":
            rx = match = None
            try:
                mode, letters, pat = a[1], a[2], dec(a[3] if len(a) > 3 else "")
                flags = 0
                for c in letters:
                    if c == "t":
                        say("unsupported\t" + enc("flag t (re.TEMPLATE) is not run"))
                        break
                    if c not in FLAGS:
                        raise ValueError("unknown flag %r" % c)
                    flags |= FLAGS[c]
                else:
                    rx = re.compile(pat, flags)
                    if mode == "search":
                        match = rx.search
                    elif mode == "full":
                        match = rx.fullmatch
                    elif mode == "prefix":
                        match = rx.match
                    else:
                        raise ValueError("bad mode %r" % mode)
                    say("ok\t" + enc(pat))
            except Exception as e:
                rx = match = None
                say("error\t" + enc(str(e)))
        elif cmd == "run":
            if match is None:
                say("fail\t" + enc("no pattern compiled"))
                continue
            try:
                s = dec(a[2] if len(a) > 2 else "")
            except MemoryError:
                say("limit\tmemory\t0")
                continue
            except Exception as e:
                say("fail\t" + enc(str(e)))
                continue
            say("start")
            t0 = time.perf_counter_ns()
            try:
                m = match(s)
            except (MemoryError, RecursionError):
                say("limit\tmemory\t%d" % (time.perf_counter_ns() - t0))
                continue
            except Exception as e:
                say("fail\t" + enc(str(e)))
                continue
            ns = time.perf_counter_ns() - t0
            say("done\t%d\t%d" % (m is not None, ns))
        elif cmd == "echo":
            try:
                p = dec(a[1] if len(a) > 1 else "")
                s = dec(a[2] if len(a) > 2 else "")
                say("echo\t" + enc(p) + "\t" + enc(s))
            except Exception as e:
                say("fail\t" + enc(str(e)))
        else:
            say("fail\t" + enc("unknown command"))


try:
    main()
except MemoryError:
    sys.stderr.write("MemoryError: out of memory\n")
    sys.exit(3)
