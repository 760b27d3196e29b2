// redoscope driver for node (V8 Irregexp). Run as `node -e <this source>`;
// the protocol is documented in crates/harness/src/engines/process.rs.
// Every string travels as comma-separated lowercase hex code points, so
// nothing in a pattern or an input is ever interpreted as code or protocol.
'use strict';

const HEX = /^[0-9a-f]{1,6}$/;

// Code points to a JS string (UTF-16): astral code points become surrogate
// pairs, lone surrogates stay lone code units.
function dec(h) {
  if (h === '') return '';
  const units = [];
  for (const p of h.split(',')) {
    if (!HEX.test(p)) throw new Error('bad code point ' + JSON.stringify(p));
    const c = parseInt(p, 16);
    if (c > 0x10ffff) throw new Error('code point out of range');
    if (c > 0xffff) {
      const d = c - 0x10000;
      units.push(0xd800 + (d >> 10), 0xdc00 + (d & 0x3ff));
    } else {
      units.push(c);
    }
  }
  let s = '';
  for (let i = 0; i < units.length; i += 8192) {
    s += String.fromCharCode.apply(null, units.slice(i, i + 8192));
  }
  return s;
}

// A JS string to code points (a lone surrogate is its own code point).
function enc(s) {
  const out = [];
  for (let i = 0; i < s.length; ) {
    const c = s.codePointAt(i);
    out.push(c.toString(16));
    i += c > 0xffff ? 2 : 1;
  }
  return out.join(',');
}

function say(line) {
  process.stdout.write(line + '\n');
}

function depth(e) {
  return e instanceof RangeError && /call stack|too much recursion|stack overflow/i.test(String(e.message));
}

let re = null;

function compile(mode, flags, pat) {
  if (!/^[a-zA-Z]*$/.test(flags)) throw new Error('bad flags');
  // Matching by mode: `g` would make test() stateful; `y` is set per mode.
  const f = flags.replace(/[gy]/g, '');
  // Validate the pattern alone first, so that wrapping it cannot turn an
  // invalid pattern into a valid one with another meaning.
  const alone = new RegExp(pat, f);
  if (mode === 'search') {
    re = alone;
    return pat;
  }
  if (mode === 'prefix') {
    re = new RegExp(pat, f + 'y');
    return pat;
  }
  if (mode === 'full') {
    // `(?![\s\S])`: the end of the input whatever the flags (`$` would
    // depend on `m`).
    const full = '(?:' + pat + ')(?![\\s\\S])';
    re = new RegExp(full, f + 'y');
    return full;
  }
  throw new Error('bad mode ' + mode);
}

function handle(line) {
  const a = line.split('\t');
  switch (a[0]) {
    case 'compile': {
      let shown;
      try {
        shown = compile(a[1], a[2], dec(a[3] || ''));
      } catch (e) {
        re = null;
        say('error\t' + enc(String(e && e.message)));
        return;
      }
      say('ok\t' + enc(shown));
      return;
    }
    case 'run': {
      if (re === null) {
        say('fail\t' + enc('no pattern compiled'));
        return;
      }
      let s;
      try {
        s = dec(a[2] || '');
      } catch (e) {
        say('fail\t' + enc(String(e && e.message)));
        return;
      }
      re.lastIndex = 0;
      say('start');
      let m;
      const t0 = process.hrtime.bigint();
      try {
        m = re.test(s);
      } catch (e) {
        const ns = process.hrtime.bigint() - t0;
        if (depth(e)) say('limit\tmemory\t' + ns);
        else say('fail\t' + enc(String(e && e.message)));
        return;
      }
      const ns = process.hrtime.bigint() - t0;
      say('done\t' + (m ? 1 : 0) + '\t' + ns);
      return;
    }
    case 'echo': {
      try {
        say('echo\t' + enc(dec(a[1] || '')) + '\t' + enc(dec(a[2] || '')));
      } catch (e) {
        say('fail\t' + enc(String(e && e.message)));
      }
      return;
    }
    default:
      say('fail\t' + enc('unknown command'));
  }
}

const rl = require('readline').createInterface({ input: process.stdin, terminal: false });
rl.on('line', handle);
rl.on('close', () => process.exit(0));
say('ready\t' + process.version.replace(/^v/, ''));
