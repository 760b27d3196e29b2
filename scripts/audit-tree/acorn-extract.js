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
// "raw" (String.raw`…`) are literals; "concat" and "identifier" have a value
// when they resolve to literals (a `+` of literals, a name bound once);
// "other" never. Columns are acorn's (0-based, UTF-16 units) of the regex
// literal or of the call.
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

// The value of a string expression: literals, and (marked `resolved`) `+` of
// such values and names bound once in the file (`const P = "…"`, never
// assigned to), the rule the extract crate documents, implemented here again.
function evaluate(a, names, depth = 0) {
  if (!a || depth > 50) return null;
  if (a.type === 'Literal' && typeof a.value === 'string') return { form: 'string', value: a.value };
  if (a.type === 'TemplateLiteral' && a.expressions.length === 0)
    return { form: 'template', value: a.quasis[0].value.cooked };
  if (a.type === 'TaggedTemplateExpression' && a.quasi.expressions.length === 0 &&
      a.tag.type === 'MemberExpression' && !a.tag.computed &&
      a.tag.object.type === 'Identifier' && a.tag.object.name === 'String' &&
      a.tag.property.name === 'raw')
    return { form: 'raw', value: a.quasi.quasis[0].value.raw };
  if (a.type === 'BinaryExpression' && a.operator === '+') {
    const l = evaluate(a.left, names, depth + 1), r = evaluate(a.right, names, depth + 1);
    return l && r && { form: 'concat', value: l.value + r.value };
  }
  if (a.type === 'Identifier') {
    const b = names.get(a.name);
    if (!b || b.count !== 1 || b.assigned || !b.init) return null;
    const v = evaluate(b.init, names, depth + 1);
    return v && { form: 'identifier', value: v.value };
  }
  return null;
}

function form(a) {
  if (!a) return 'none';
  if (a.type === 'BinaryExpression' && a.operator === '+') return 'concat';
  if (a.type === 'Identifier') return 'identifier';
  return 'other';
}
const out = { tool: `acorn ${acorn.version}`, total: { files: 0, regex_literals: 0, regexp_calls: 0,
  regexp_calls_literal: 0, regexp_calls_resolved: 0, parse_errors: 0 }, parse_errors: [], files: {} };
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
  const literals = [], calls = [], uses = [];
  const names = new Map();
  const name = (n) => names.get(n) || names.set(n, { count: 0, assigned: false, init: null }).get(n);
  walk.full(ast, (n) => {
    if (n.type === 'Literal' && n.regex) {
      literals.push([n.loc.start.line, n.loc.start.column, n.regex.pattern, n.regex.flags]);
    } else if ((n.type === 'NewExpression' || n.type === 'CallExpression') &&
               n.callee.type === 'Identifier' && n.callee.name === 'RegExp') {
      uses.push(n);
    } else if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier') {
      const b = name(n.id.name);
      b.count++;
      b.init = n.init;
    } else if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier') {
      name(n.left.name).assigned = true;
    } else if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier') {
      name(n.argument.name).assigned = true;
    }
  });
  for (const n of uses) {
    const [pa, fa] = n.arguments;
    const p = evaluate(pa, names);
    const f = n.arguments.length < 2 ? { value: '' } : evaluate(fa, names);
    // [line, column, form, pattern or null, flags or null]; form is the
    // pattern's: string/template/raw (a literal), concat/identifier
    // (resolved when pattern is not null), other, none.
    calls.push([n.loc.start.line, n.loc.start.column, p ? p.form : form(pa),
                p ? p.value : null, f ? f.value : null]);
  }
  if (literals.length || calls.length) {
    out.files[rel] = { literals, calls };
    out.total.regex_literals += literals.length;
    out.total.regexp_calls += calls.length;
    out.total.regexp_calls_literal += calls.filter((c) => ['string', 'template', 'raw'].includes(c[2])).length;
    out.total.regexp_calls_resolved += calls.filter((c) => ['concat', 'identifier'].includes(c[2]) && c[3] !== null).length;
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
