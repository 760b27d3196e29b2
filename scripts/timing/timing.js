// Times V8 (node) regexes on attack strings of growing size.
//
//   node scripts/timing/timing.js CASES
//
// The case file is the one of Timing.java (id, mode, flags, pattern, suffix,
// then prefix/pump pairs, text fields as UTF-16 code units in hex). `search`
// is RegExp.prototype.test; `full` wraps the pattern as ^(?:…)$. A match that
// takes over TIMEOUT_MS is stopped by the vm module's timeout.
'use strict';
const fs = require('fs');
const vm = require('vm');
// TIMING_LIMIT_MS overrides the per-match stop (default 300 ms).
const LIMIT_MS = Number(process.env.TIMING_LIMIT_MS || 300);
const TIMEOUT_MS = Math.max(3000, 3 * LIMIT_MS), MAX_LEN = 2000000;

function unhex(h) {
  let s = '';
  for (let i = 0; i + 4 <= h.length; i += 4) s += String.fromCharCode(parseInt(h.slice(i, i + 4), 16));
  return s;
}

const ctx = vm.createContext({});
const run = new vm.Script('re.lastIndex = 0; re.test(s)');

for (const line of fs.readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!line) continue;
  const f = line.split('\t');
  const [id, mode, flags] = f;
  let source = unhex(f[3]);
  if (mode === 'full') source = '^(?:' + source + ')$';
  let re;
  try {
    re = new RegExp(source, flags.replace(/[gy]/g, ''));
  } catch (e) {
    console.log(`${id}\t-\t-\t-\tcompile error: ${e.message}`);
    continue;
  }
  const suffix = unhex(f[4]);
  const pumps = [];
  for (let i = 5; i + 1 < f.length; i += 2) pumps.push([unhex(f[i]), unhex(f[i + 1])]);
  let k = 1;
  for (;;) {
    let s = '';
    for (const [pre, pump] of pumps) s += pre + pump.repeat(k);
    s += suffix;
    ctx.re = re;
    ctx.s = s;
    let best = Infinity, spent = 0, result = '', timedOut = false;
    for (let rep = 0; rep < 5 && spent < 50; rep++) {
      const t0 = process.hrtime.bigint();
      try {
        result = run.runInContext(ctx, { timeout: TIMEOUT_MS }) ? 'match' : 'no-match';
      } catch (e) {
        if (/timed out/.test(String(e))) timedOut = true; else result = 'error: ' + e.message;
      }
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      spent += dt;
      best = Math.min(best, dt);
      if (timedOut) break;
    }
    console.log(`${id}\t${k}\t${s.length}\t${best.toFixed(4)}\t${timedOut ? 'timeout' : result}`);
    if (timedOut || best > LIMIT_MS || s.length > MAX_LEN || result.startsWith('error')) break;
    k = best < 1.0 ? k * 2 : Math.max(k + 1, Math.floor(k * 5 / 4));
  }
}
