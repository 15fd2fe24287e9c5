#!/usr/bin/env node
/**
 * A boundary mutation sweep over one source file (dev tool, no dependency beyond the
 * `typescript` dev dependency).
 *
 *   node scripts/mutants.mjs <src-file> <test-path>... [--lines A-B] [--eq] [--timeout S] [-t PATTERN] [--list] [--json OUT]
 *
 * It parses the file with TypeScript (so comments, strings, template text and generics such
 * as `Array<T>` are never touched), finds every relational comparison (`<`, `<=`, `>`, `>=`)
 * in code and, with --eq, every `===` / `!==` against a number literal or a
 * `Math.floor`-style call; flips one at a time (`<` <-> `<=`, `>` <-> `>=`, `===` <-> `!==`),
 * runs `npx vitest run <test-path>... --bail 1 --reporter=dot` (with `-t PATTERN`: only the
 * tests whose names match, as vitest's own -t; killed after --timeout
 * seconds, default three times the unmutated run plus 30 s), and prints a table: line,
 * original, mutant, killed / SURVIVED / timeout. The file is restored from an in-memory
 * copy after every mutant, on errors and on Ctrl-C / SIGTERM (a copy also lies in the
 * temporary directory until the sweep ends, for the one case nothing can catch: SIGKILL).
 * Exit status: 0 when no mutant survived, 1 otherwise, 2 on a usage error or a failing
 * unmutated run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const FLIP = new Map([
  [ts.SyntaxKind.LessThanToken, ['<', '<=']],
  [ts.SyntaxKind.LessThanEqualsToken, ['<=', '<']],
  [ts.SyntaxKind.GreaterThanToken, ['>', '>=']],
  [ts.SyntaxKind.GreaterThanEqualsToken, ['>=', '>']],
]);
const EQ_FLIP = new Map([
  [ts.SyntaxKind.EqualsEqualsEqualsToken, ['===', '!==']],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, ['!==', '===']],
]);
const BOUNDARY_CALLS = new Set(['floor', 'ceil', 'round', 'trunc', 'min', 'max']);

function usage(msg) {
  if (msg) console.error(`mutants: ${msg}`);
  console.error('usage: node scripts/mutants.mjs <src-file> <test-path>... [--lines A-B] [--eq] [--timeout S] [-t PATTERN] [--list] [--json OUT]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { file: undefined, tests: [], lines: undefined, eq: false, timeout: undefined, list: false, json: undefined, names: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--eq') o.eq = true;
    else if (a === '--list') o.list = true;
    else if (a === '--lines') {
      const m = /^(\d+)(?:-(\d+))?$/.exec(argv[++i] ?? '');
      if (!m) usage('--lines wants A-B (1-based, inclusive)');
      o.lines = [Number(m[1]), Number(m[2] ?? m[1])];
    } else if (a === '--timeout') {
      o.timeout = Number(argv[++i]);
      if (!(o.timeout > 0)) usage('--timeout wants seconds > 0');
    } else if (a === '--json') o.json = argv[++i] ?? usage('--json wants a path');
    else if (a === '-t') o.names = argv[++i] ?? usage('-t wants a pattern (vitest -t: test names)');
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (o.file === undefined) o.file = a;
    else o.tests.push(a);
  }
  if (o.file === undefined) usage('no source file');
  if (o.tests.length === 0 && !o.list) usage('no test path (a vitest filter: a file or a folder)');
  return o;
}

/** A number literal (maybe negated) or a Math.floor/ceil/round/trunc/min/max call. */
function isBoundary(n) {
  while (ts.isParenthesizedExpression(n)) n = n.expression;
  if (ts.isNumericLiteral(n)) return true;
  if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.MinusToken) return isBoundary(n.operand);
  if (ts.isIdentifier(n) && (n.text === 'Infinity' || n.text === 'NaN')) return true;
  if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
    const pa = n.expression;
    return ts.isIdentifier(pa.expression) && pa.expression.text === 'Math' && BOUNDARY_CALLS.has(pa.name.text);
  }
  return false;
}

/** Every comparison to flip, in source order. */
export function findMutants(fileName, text, { eq = false, lines } = {}) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out = [];
  const visit = (n) => {
    if (ts.isBinaryExpression(n)) {
      const k = n.operatorToken.kind;
      const flip = FLIP.get(k) ?? (eq && (isBoundary(n.left) || isBoundary(n.right)) ? EQ_FLIP.get(k) : undefined);
      if (flip) {
        const start = n.operatorToken.getStart(sf);
        const end = n.operatorToken.getEnd();
        const { line, character } = sf.getLineAndCharacterOfPosition(start);
        if (!lines || (line + 1 >= lines[0] && line + 1 <= lines[1])) {
          out.push({ line: line + 1, col: character + 1, start, end, from: flip[0], to: flip[1], expr: n.getText(sf).replace(/\s+/g, ' ') });
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

let child; // the vitest run in flight
function runTests(tests, timeoutS, names) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    // its own process group, so a timeout ends vitest and its workers together
    child = spawn('npx', ['vitest', 'run', ...tests, '--bail', '1', '--reporter=dot', ...(names ? ['-t', names] : [])], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, FORCE_COLOR: '0' } });
    let tail = '';
    const keep = (b) => {
      if (tail.length < 1 << 20) tail += b.toString(); // the first megabyte: enough to name the first failure
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild();
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      child = undefined;
      resolve({ code, timedOut, seconds: (Date.now() - t0) / 1000, tail });
    });
  });
}

function killChild() {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const original = readFileSync(o.file, 'utf8');
  const mutants = findMutants(o.file, original, o);
  if (o.list) {
    for (const m of mutants) console.log(`${m.line}:${m.col}\t${m.from} -> ${m.to}\t${m.expr}`);
    console.log(`${mutants.length} mutants in ${o.file}`);
    return 0;
  }
  const backupDir = mkdtempSync(join(tmpdir(), 'mutants-'));
  const backup = join(backupDir, basename(o.file));
  writeFileSync(backup, original);
  let dirty = false;
  const restore = () => {
    if (dirty) {
      writeFileSync(o.file, original);
      dirty = false;
    }
  };
  const onSignal = (sig) => {
    killChild();
    restore();
    rmSync(backupDir, { recursive: true, force: true });
    console.error(`\nmutants: ${sig}: ${o.file} restored`);
    process.exit(130);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);
  process.on('exit', restore);
  const results = [];
  try {
    console.log(`mutants: ${mutants.length} in ${o.file}; tests: ${o.tests.join(' ')}${o.names ? ` -t ${JSON.stringify(o.names)}` : ''} (copy of the file: ${backup})`);
    const base = await runTests(o.tests, o.timeout ?? 600, o.names);
    if (base.code !== 0) {
      console.error(base.tail.slice(-4000));
      console.error(`mutants: the tests fail on the unmutated file (exit ${base.code}${base.timedOut ? ', timeout' : ''}); nothing to measure`);
      return 2;
    }
    const timeoutS = o.timeout ?? Math.ceil(3 * base.seconds + 30);
    console.log(`unmutated run: ${base.seconds.toFixed(1)} s; timeout per mutant ${timeoutS} s`);
    console.log(`${pad('line', 10)}${pad('original', 10)}${pad('mutant', 8)}${pad('result', 10)}${pad('s', 7)}expression`);
    for (const m of mutants) {
      const mutated = original.slice(0, m.start) + m.to + original.slice(m.end);
      dirty = true;
      writeFileSync(o.file, mutated);
      let r;
      try {
        r = await runTests(o.tests, timeoutS, o.names);
      } finally {
        restore();
      }
      const result = r.timedOut ? 'timeout' : r.code === 0 ? 'SURVIVED' : 'killed';
      // the first failing test, as vitest names it (FAIL  file > suite > test)
      const by = result === 'killed' ? (/FAIL\s+(.+)/.exec(r.tail.replace(/\x1b\[[0-9;]*m/g, ''))?.[1].trim() ?? `exit ${r.code}`) : undefined;
      results.push({ ...m, result, seconds: r.seconds, ...(by ? { killedBy: by } : {}) });
      console.log(`${pad(`${m.line}:${m.col}`, 10)}${pad(m.from, 10)}${pad(m.to, 8)}${pad(result, 10)}${pad(r.seconds.toFixed(1), 7)}${m.expr.slice(0, 90)}`);
    }
  } finally {
    restore();
    rmSync(backupDir, { recursive: true, force: true });
  }
  const count = (k) => results.filter((r) => r.result === k).length;
  console.log(`${o.file}: ${results.length} mutants, ${count('killed')} killed, ${count('SURVIVED')} survived, ${count('timeout')} timeout`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ file: o.file, tests: o.tests, ...(o.names ? { names: o.names } : {}), results: results.map(({ start, end, ...r }) => r) }, null, 2) + '\n');
  return count('SURVIVED') > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
