#!/usr/bin/env node
// Oracle: does V8 (Node.js) accept this regex?
//
// Reads JSON Lines on stdin, one {"pattern": "...", "flags": "..."} per line,
// and writes one line per input, in order:
//   {"ok": true}                          new RegExp(pattern, flags) succeeded
//   {"ok": false, "error": "<message>"}   it threw (the engine's message)
//   {"ok": false, "error": "...", "input_error": true}   the line was not a
//                                          valid input object (not a verdict)
// Blank lines are ignored. The pattern is data: it is never evaluated as code.
'use strict';

const out = [];
let pending = Buffer.alloc(0);

function flush() {
  if (out.length > 0) {
    process.stdout.write(out.join(''));
    out.length = 0;
  }
}

function handle(lineBuf) {
  const line = lineBuf.toString('utf8');
  if (line.trim() === '') return;
  let input;
  try {
    input = JSON.parse(line);
    if (input === null || typeof input !== 'object' || typeof input.pattern !== 'string') {
      throw new Error('expected an object with a string "pattern"');
    }
    if (input.flags !== undefined && input.flags !== null && typeof input.flags !== 'string') {
      throw new Error('"flags" must be a string');
    }
  } catch (e) {
    out.push(JSON.stringify({ ok: false, error: `oracle input error: ${e && e.message}`, input_error: true }) + '\n');
    return;
  }
  let result;
  try {
    new RegExp(input.pattern, input.flags || '');
    result = { ok: true };
  } catch (e) {
    // SyntaxError for bad syntax; RangeError (stack overflow) for deep nesting.
    const name = e && e.name ? e.name : 'Error';
    const msg = e && e.message !== undefined ? e.message : String(e);
    result = { ok: false, error: `${name}: ${msg}` };
  }
  out.push(JSON.stringify(result) + '\n');
  if (out.length >= 1024) flush();
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
