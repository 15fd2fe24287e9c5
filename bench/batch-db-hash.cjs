// sha256 (16 hex) of a batch database's content that does not depend on timing: chunks (key, lines, pairs, candidates),
// talent rows (hash, preference list, metadata, line) by talent, platform lines, artifacts.
// Usage: node bench/batch-db-hash.cjs DB_FILE TREE_WITH_NODE_MODULES
const D = require(process.argv[3] + '/node_modules/better-sqlite3');
const { createHash } = require('crypto');
const db = new D(process.argv[2], { readonly: true });
const out = {};
const h = (name, rows) => { const x = createHash('sha256'); for (const r of rows) for (const v of Object.values(r)) x.update(Buffer.isBuffer(v) ? v : String(v)).update('\0'); out[name] = x.digest('hex').slice(0, 16); };
h('chunks', db.prepare('SELECT chunk_id, chunk_key, start_line, end_line, talents, pairs, candidates FROM chunks ORDER BY chunk_id').iterate());
h('rows', db.prepare('SELECT r.talent_id, t.hash, t.prefs, t.meta, l.line FROM talent_recs r JOIN talent_rows t ON t.id = r.row_id JOIN talent_lines l ON l.id = r.row_id ORDER BY r.talent_id').iterate());
h('platforms', db.prepare('SELECT platform_id, line FROM platform_recs ORDER BY platform_id').iterate());
h('artifacts', db.prepare('SELECT name, part, body FROM artifacts ORDER BY name, part').iterate());
console.log(JSON.stringify(out));
