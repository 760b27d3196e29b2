// Times one match per input line, for scripts/attacks/real_engines.py.
// In:  {"pattern", "flags", "mode": "search"|"full"|"prefix", "text"} per line.
// Out: {"start": true} just before the match, then {"ms", "matched"} or
//      {"error"}; the caller kills this process when a match runs too long.
const readline = require("readline");
const rl = readline.createInterface({ input: process.stdin, terminal: false });
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
rl.on("line", (line) => {
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    out({ error: "bad input line" });
    return;
  }
  let re;
  const flags = (c.flags || "").replace(/[gy]/g, "");
  try {
    if (c.mode === "full") re = new RegExp("^(?:" + c.pattern + ")$", flags);
    else if (c.mode === "prefix") re = new RegExp(c.pattern, flags + "y");
    else re = new RegExp(c.pattern, flags);
  } catch (e) {
    out({ error: String(e.message || e) });
    return;
  }
  out({ start: true });
  const t = process.hrtime.bigint();
  re.lastIndex = 0;
  const m = re.test(c.text);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  out({ ms, matched: m });
});
