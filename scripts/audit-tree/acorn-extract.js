#!/usr/bin/env node
// An independent count of the JS regexes in a tree, for compare.py: every
// `/…/flags` literal, and every `RegExp(…)` / `new RegExp(…)` call, in the
// .js/.mjs/.cjs files under DIR, parsed with acorn (from DIR/node_modules,
// installed by install.sh, or from ACORN_DIR).
//
//   node acorn-extract.js DIR > acorn.json
//
// Walk: every regular file, not following symlinks, skipping hidden entries
// (as `redoscope audit` does without --hidden). Each call is listed with the
// form of its first argument: "string" / "template" (no substitutions) /
// "raw" (String.raw`…`) are literals; "concat", "identifier" and "other"
// are not. Columns are acorn's (0-based, UTF-16 units) of the regex literal
// or of the call.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2] || '.');
const from = process.env.ACORN_DIR || path.join(dir, 'node_modules');
const acorn = require(path.join(from, 'acorn'));
const walk = require(path.join(from, 'acorn-walk'));

const files = [];
(function scan(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(d, e.name);
    if (e.isDirectory()) scan(p);
    else if (e.isFile() && /\.(js|mjs|cjs)$/.test(e.name)) files.push(p);
  }
})(dir);
files.sort();

function parse(src) {
  const base = {
    ecmaVersion: 'latest', locations: true, allowHashBang: true,
    allowReturnOutsideFunction: true, allowImportExportEverywhere: true,
    allowAwaitOutsideFunction: true, allowReserved: true,
  };
  try {
    return acorn.parse(src, { ...base, sourceType: 'module' });
  } catch (e) {
    return acorn.parse(src, { ...base, sourceType: 'script' });
  }
}

function argument(a) {
  if (!a) return { form: 'none' };
  if (a.type === 'Literal' && typeof a.value === 'string') return { form: 'string', value: a.value };
  if (a.type === 'TemplateLiteral' && a.expressions.length === 0)
    return { form: 'template', value: a.quasis[0].value.cooked };
  if (a.type === 'TaggedTemplateExpression' && a.quasi.expressions.length === 0 &&
      a.tag.type === 'MemberExpression' && !a.tag.computed &&
      a.tag.object.type === 'Identifier' && a.tag.object.name === 'String' &&
      a.tag.property.name === 'raw')
    return { form: 'raw', value: a.quasi.quasis[0].value.raw };
  if (a.type === 'BinaryExpression' && a.operator === '+') return { form: 'concat' };
  if (a.type === 'Identifier') return { form: 'identifier' };
  return { form: 'other' };
}

const out = { tool: `acorn ${acorn.version}`, total: { files: 0, regex_literals: 0, regexp_calls: 0,
  regexp_calls_literal: 0, parse_errors: 0 }, parse_errors: [], files: {} };
for (const f of files) {
  const rel = path.relative(dir, f);
  let src;
  try { src = fs.readFileSync(f, 'utf8'); } catch (e) { out.parse_errors.push({ file: rel, message: String(e) }); continue; }
  let ast;
  try { ast = parse(src); } catch (e) {
    out.parse_errors.push({ file: rel, message: e.message });
    out.total.parse_errors++;
    continue;
  }
  out.total.files++;
  const literals = [], calls = [];
  walk.full(ast, (n) => {
    if (n.type === 'Literal' && n.regex) {
      literals.push([n.loc.start.line, n.loc.start.column, n.regex.pattern, n.regex.flags]);
    } else if ((n.type === 'NewExpression' || n.type === 'CallExpression') &&
               n.callee.type === 'Identifier' && n.callee.name === 'RegExp') {
      const p = argument(n.arguments[0]);
      const f = argument(n.arguments[1]);
      const flags = n.arguments.length < 2 ? '' : ('value' in f ? f.value : null);
      calls.push([n.loc.start.line, n.loc.start.column, p.form, p.value === undefined ? null : p.value, flags]);
    }
  });
  if (literals.length || calls.length) {
    out.files[rel] = { literals, calls };
    out.total.regex_literals += literals.length;
    out.total.regexp_calls += calls.length;
    out.total.regexp_calls_literal += calls.filter((c) => ['string', 'template', 'raw'].includes(c[2])).length;
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
