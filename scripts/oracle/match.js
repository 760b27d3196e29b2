#!/usr/bin/env node
// Match oracle: what does V8 (Node.js) match?
//
// Reads JSON Lines on stdin, one {"pattern": "...", "flags": "...",
// "inputs": ["...", ...]} per line, and writes one line per input object, in
// order:
//   {"ok": true, "results": [r, ...]}     one r per input, in order:
//       null                               no match
//       [[start, end], [s1, e1] | null, ...]   the match and each group's span
//   {"ok": false, "error": "<message>"}   new RegExp(pattern, flags) threw
//   {"ok": false, "error": "...", "input_error": true}   the line was not a
//                                          valid input object
// Each input is searched with `exec` from index 0 (lastIndex is reset, so
// `g` and `y` behave as for a fresh RegExp). Spans are in UTF-16 code units:
// for inputs without astral characters they are code point offsets. The
// `d` flag (hasIndices, no effect on matching) is added to read the group
// spans. Blank lines are ignored. Patterns and inputs are data: they are
// never evaluated as code.
'use strict';

const out = [];
let pending = Buffer.alloc(0);

function flush() {
  if (out.length > 0) {
    process.stdout.write(out.join(''));
    out.length = 0;
  }
}

function check(input) {
  if (input === null || typeof input !== 'object' || typeof input.pattern !== 'string') {
    throw new Error('expected an object with a string "pattern"');
  }
  if (input.flags !== undefined && input.flags !== null && typeof input.flags !== 'string') {
    throw new Error('"flags" must be a string');
  }
  if (!Array.isArray(input.inputs) || !input.inputs.every((s) => typeof s === 'string')) {
    throw new Error('"inputs" must be an array of strings');
  }
}

function handle(lineBuf) {
  const line = lineBuf.toString('utf8');
  if (line.trim() === '') return;
  let input;
  try {
    input = JSON.parse(line);
    check(input);
  } catch (e) {
    out.push(JSON.stringify({ ok: false, error: `oracle input error: ${e && e.message}`, input_error: true }) + '\n');
    return;
  }
  let flags = input.flags || '';
  if (!flags.includes('d')) flags += 'd';
  let re;
  try {
    re = new RegExp(input.pattern, flags);
  } catch (e) {
    const name = e && e.name ? e.name : 'Error';
    const msg = e && e.message !== undefined ? e.message : String(e);
    out.push(JSON.stringify({ ok: false, error: `${name}: ${msg}` }) + '\n');
    return;
  }
  const results = [];
  for (const s of input.inputs) {
    re.lastIndex = 0;
    const m = re.exec(s);
    if (m === null) {
      results.push(null);
    } else {
      results.push(m.indices.map((span) => (span === undefined ? null : [span[0], span[1]])));
    }
  }
  out.push(JSON.stringify({ ok: true, results }) + '\n');
  if (out.length >= 256) flush();
}

process.stdin.on('data', (chunk) => {
  let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    handle(buf.subarray(start, nl));
    start = nl + 1;
  }
  pending = Buffer.from(buf.subarray(start));
});

process.stdin.on('end', () => {
  if (pending.length) handle(pending);
  pending = Buffer.alloc(0);
  flush();
});
