// The analyst studio (Preact + htm, bundled by scripts/build-studio.mjs; no network but
// this server). It draws what /v1/studio/evaluate returns and computes nothing the API
// does not: metrics, lists, reasons and rank shifts all come from the server, so the page
// and `talentmatch evaluate` agree. Metric deltas (B - A) are the one subtraction done here.
import { html, render } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Dataset, Evaluation, Focus, Hit, Item, Metrics, Mover, SetResult, Weights } from './api.js';
import { ApiError, api, apiKey } from './api.js';

type SetName = 'A' | 'B';
type Req = Parameters<typeof api.evaluate>[0];

const COLORS: Record<string, string> = {
  text: '#4e79a7',
  industry: '#f28e2b',
  priority: '#e15759',
  mode: '#76b7b2',
  capacity: '#59a14f',
  capital: '#edc948',
  stage: '#b07aa1',
  level: '#ff9da7',
  signing: '#9c755f',
  concept: '#17becf',
};
/** A term the page does not know yet still gets its own colour. */
const color = (t: string) => COLORS[t] ?? `hsl(${[...t].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 0)} 45% 55%)`;
const f4 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(4));
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(4)}`;

/** The metric rows of the table: label and how to read it from a result. */
const METRICS: [key: string, label: string, get: (m: Metrics) => number | null][] = [
  ['talent-ndcg', 'talent NDCG@k', (m) => m.talent.ndcg],
  ['talent-map', 'talent MAP@k', (m) => m.talent.map],
  ['talent-recall', 'talent recall@k', (m) => m.talent.recall],
  ['talent-mrr', 'talent MRR', (m) => m.talent.mrr],
  ['platform-ndcg', 'platform NDCG@k', (m) => m.platform.ndcg],
  ['platform-map', 'platform MAP@k', (m) => m.platform.map],
  ['platform-recall', 'platform recall@k', (m) => m.platform.recall],
  ['platform-mrr', 'platform MRR', (m) => m.platform.mrr],
  ['coverage-platforms', 'platform coverage', (m) => m.coverage.platforms],
  ['coverage-industries', 'industry coverage', (m) => m.coverage.industries],
  ['gini', 'exposure Gini (lower = fairer)', (m) => m.exposureGini],
];

function WhyBar({ item, terms }: { item: Item; terms: string[] }) {
  const title = terms.map((t) => `${t} ${item.why[t].toFixed(4)}`).join('\n');
  return html`<div class="bar" title=${title}>
    ${terms.map((t) => (item.why[t] > 0 ? html`<span class="seg" data-term=${t} style=${{ width: `${Math.min(100, item.why[t] * 100)}%`, background: color(t) }}></span>` : null))}
  </div>`;
}

function Shift({ item }: { item: Item }) {
  if (item.from === undefined) return html`<span class="shift"></span>`; // keeps the row's grid
  if (item.from === null) return html`<span class="shift new" data-testid="shift">new</span>`;
  const d = item.from - item.rank;
  return html`<span class=${`shift ${d > 0 ? 'up' : d < 0 ? 'down' : ''}`} data-testid="shift">${d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '='}</span>`;
}

function ItemList({ items, terms, testid, onPick }: { items: Item[]; terms: string[]; testid: string; onPick: (id: string) => void }) {
  if (items.length === 0) return html`<div class="muted">none</div>`;
  return html`<ol class="items" data-testid=${testid}>
    ${items.map(
      (it) => html`<li data-id=${it.id} data-score=${it.score}>
        <span class="rank">${it.rank}</span>
        <${Shift} item=${it} />
        <a class="name" href="#" onClick=${(e: Event) => (e.preventDefault(), onPick(it.id))} title=${it.id}>${it.name || it.id}</a>
        <span class="score" data-testid="score">${it.score.toFixed(4)}</span>
        <${WhyBar} item=${it} terms=${terms} />
      </li>`,
    )}
  </ol>`;
}

function FocusLists({ focus, set, terms, onPick }: { focus: Focus; set: SetName; terms: string[]; onPick: (side: 'talent' | 'platform', id: string) => void }) {
  const other = focus.side === 'talent' ? 'platform' : 'talent';
  const pickOther = (id: string) => onPick(other, id);
  const s = set.toLowerCase();
  return html`<div class="lists">
    <section>
      <h3>${focus.side === 'talent' ? 'Platforms for this talent' : 'Talents for this platform'} <small>(${set})</small></h3>
      <${ItemList} items=${focus.top} terms=${terms} testid=${`top-${s}`} onPick=${pickOther} />
    </section>
    <section>
      <h3>${focus.side === 'talent' ? 'Platforms listing this talent' : 'Talents listing this platform'} <small>(${set}; rank = its place in their top-k)</small></h3>
      <${ItemList} items=${focus.listedBy} terms=${terms} testid=${`listed-${s}`} onPick=${pickOther} />
    </section>
  </div>`;
}

function MetricsTable({ a, b }: { a: SetResult; b?: SetResult | undefined }) {
  return html`<table class="metrics" data-testid="metrics">
    <tr><th>metric (k = ${a.metrics.k})</th><th>A</th>${b ? html`<th>B</th><th>B − A</th>` : null}</tr>
    ${METRICS.map(([key, label, get]) => {
      const va = get(a.metrics);
      const vb = b ? get(b.metrics) : null;
      const d = va !== null && vb !== null ? vb - va : null;
      const better = key === 'gini' ? (d ?? 0) < 0 : (d ?? 0) > 0;
      return html`<tr>
        <td>${label}</td>
        <td data-testid=${`m-a-${key}`}>${f4(va)}</td>
        ${b ? html`<td data-testid=${`m-b-${key}`}>${f4(vb)}</td><td class=${d === null || Math.abs(d) < 5e-5 ? '' : better ? 'good' : 'bad'} data-testid=${`m-d-${key}`}>${d === null ? 'n/a' : signed(d)}</td>` : null}
      </tr>`;
    })}
    <tr class="muted"><td>queries (talents / platforms with outcomes)</td><td colspan=${b ? 3 : 1}>${a.metrics.talent.queries} / ${a.metrics.platform.queries}</td></tr>
  </table>`;
}

function Movers({ changes, onPick }: { changes: NonNullable<Evaluation['changes']>; onPick: (side: 'talent' | 'platform', id: string) => void }) {
  return html`<section data-testid="movers">
    <h3>Lists changed by B: ${changes.changed.talent} talents, ${changes.changed.platform} platforms</h3>
    <table class="movers">
      <tr><th>side</th><th>entity</th><th>entered top-k</th><th>rank shift</th></tr>
      ${changes.movers.map(
        (m: Mover) => html`<tr>
          <td>${m.side}</td>
          <td><a href="#" onClick=${(e: Event) => (e.preventDefault(), onPick(m.side, m.id))} title=${m.id}>${m.name || m.id}</a></td>
          <td>${m.entered}</td><td>${m.shift}</td>
        </tr>`,
      )}
    </table>
  </section>`;
}

function Slider({ name, value, sides, onChange }: { name: string; value: number; sides: string; onChange: (v: number) => void }) {
  return html`<label class="slider">
    <span class="term"><i style=${{ background: color(name) }}></i>${name} <small>${sides}</small></span>
    <input type="range" min="0" max="1" step="0.01" value=${value} data-testid=${`w-${name}`} onInput=${(e: Event) => onChange(Number((e.target as HTMLInputElement).value))} />
    <output>${value.toFixed(2)}</output>
  </label>`;
}

/** The studio keys of a loaded file; the rest is reported, not applied. */
function pickWeights(raw: unknown, ds: Dataset): { weights: Weights; ignored: string[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('expected a JSON object of weights');
  const keys = new Set([...ds.terms, 'fusion', 'fusionTalentShare']);
  const weights: Weights = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === '_provenance') continue;
    if (!keys.has(k)) ignored.push(k);
    else if (k === 'fusion' ? typeof v === 'string' : typeof v === 'number') weights[k] = v as number | string;
    else throw new Error(`${k}: expected ${k === 'fusion' ? 'a string' : 'a number'}, got ${JSON.stringify(v)}`);
  }
  return { weights: { ...ds.weights, ...weights }, ignored };
}

function App() {
  const [ds, setDs] = useState<Dataset | null>(null);
  const [sets, setSets] = useState<Record<SetName, Weights>>({ A: {}, B: {} });
  const [origin, setOrigin] = useState<Record<SetName, string>>({ A: 'dataset weights', B: 'dataset weights' });
  const [editing, setEditing] = useState<SetName>('A');
  const [compare, setCompare] = useState(false);
  const [k, setK] = useState(10);
  const [focus, setFocus] = useState<{ side: 'talent' | 'platform'; id: string } | null>(null);
  const [result, setResult] = useState<{ req: Req; res: Evaluation } | null>(null);
  const [state, setState] = useState<'loading' | 'busy' | 'idle' | 'error'>('loading');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [needKey, setNeedKey] = useState(false);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const pending = useRef<Req | null>(null);
  const inflight = useRef(false);

  const fail = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setNeedKey(true);
    setError((e as Error).message);
    setState('error');
  };

  const loadDataset = () =>
    api.dataset().then((d) => {
      setDs(d);
      setK(d.limits.defaultK);
      setSets({ A: { ...d.weights }, B: { ...d.weights } });
      setError('');
      setNeedKey(false);
    }, fail);
  useEffect(() => void loadDataset(), []);

  // one evaluation in flight at a time; the latest request wins
  const pump = async () => {
    if (inflight.current) return;
    inflight.current = true;
    while (pending.current) {
      const req = pending.current;
      pending.current = null;
      setState('busy');
      try {
        const res = await api.evaluate(req);
        setResult({ req, res });
        setError('');
      } catch (e) {
        if (!pending.current) fail(e);
      }
    }
    inflight.current = false;
    setState((s) => (s === 'error' ? s : 'idle'));
  };
  useEffect(() => {
    if (!ds) return;
    const req: Req = { weights: sets.A, k, ...(compare ? { compare: sets.B } : {}), ...(focus ? { focus } : {}) };
    const t = setTimeout(() => {
      pending.current = req;
      void pump();
    }, 60);
    return () => clearTimeout(t);
  }, [ds, sets, compare, k, focus]);

  // search as one types (debounced)
  useEffect(() => {
    if (!ds || query.trim() === '') return setHits([]);
    const t = setTimeout(() => api.search(query.trim()).then((r) => setHits(r.items), fail), 120);
    return () => clearTimeout(t);
  }, [query, ds]);

  if (!ds)
    return html`<main class="boot" data-state=${state}>
      <h1>talentmatch studio</h1>
      ${error ? html`<p class="error" data-testid="error">${error}</p>` : html`<p>loading…</p>`}
      ${needKey ? html`<${KeyForm} onSet=${() => loadDataset()} />` : null}
    </main>`;

  const w = sets[editing];
  const setWeight = (key: string, v: number | string) => {
    setSets((s) => ({ ...s, [editing]: { ...s[editing], [key]: v } }));
    setOrigin((o) => ({ ...o, [editing]: o[editing].endsWith('(edited)') ? o[editing] : `${o[editing]} (edited)` }));
  };
  const sidesOf = (t: string) => [ds.sideTerms.talent.includes(t) ? 'T' : '', ds.sideTerms.platform.includes(t) ? 'P' : ''].filter(Boolean).join('+');
  const pick = (side: 'talent' | 'platform', id: string) => {
    setFocus({ side, id });
    setHits([]);
    setQuery('');
  };

  const save = () => {
    const shown = result && (editing === 'A' ? result.res.a : result.res.b);
    const body = {
      ...sets[editing],
      _provenance: {
        tool: 'talentmatch studio',
        date: new Date().toISOString(),
        data: ds.source,
        set: editing,
        from: origin[editing],
        k,
        ...(shown ? { metrics: shown.metrics } : {}),
      },
    };
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(body, null, 2)}\n`], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'weights.json';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setNotice(`saved set ${editing} as weights.json`);
  };
  const load = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const { weights, ignored } = pickWeights(JSON.parse(await file.text()), ds);
      setSets((s) => ({ ...s, [editing]: weights }));
      setOrigin((o) => ({ ...o, [editing]: file.name }));
      setNotice(`loaded ${file.name} into set ${editing}${ignored.length ? `; not moved by the studio (kept as the dataset's): ${ignored.join(', ')}` : ''}`);
    } catch (err) {
      setNotice(`${file.name}: ${(err as Error).message}`);
    }
    input.value = '';
  };

  const res = result?.res;
  const shownFocus = res?.a.focus;
  return html`<div class="app" data-state=${state} data-request=${result ? JSON.stringify(result.req) : ''}>
    <header>
      <h1>talentmatch studio</h1>
      <span class="muted">${ds.source} · ${ds.talents.toLocaleString('en')} talents × ${ds.platforms.toLocaleString('en')} platforms · ${ds.relevantOutcomes.toLocaleString('en')} signed/financed outcomes</span>
      <span class=${`status ${state}`} data-testid="status">${state === 'busy' ? 'updating…' : state === 'error' ? 'error' : 'up to date'}</span>
    </header>
    ${error ? html`<p class="error" data-testid="error">${error}</p>` : null}
    ${needKey ? html`<${KeyForm} onSet=${() => loadDataset()} />` : null}
    <div class="cols">
      <aside>
        <div class="sets">
          ${(['A', 'B'] as const).map((n) => html`<button class=${editing === n ? 'on' : ''} data-testid=${`edit-${n}`} onClick=${() => (setEditing(n), n === 'B' && setCompare(true))}>set ${n}</button>`)}
          <label><input type="checkbox" checked=${compare} data-testid="compare" onChange=${(e: Event) => setCompare((e.target as HTMLInputElement).checked)} /> compare A vs B</label>
        </div>
        <div class="muted small">editing ${editing}: ${origin[editing]}</div>
        ${ds.terms.map((t) => html`<${Slider} name=${t} value=${Number(w[t] ?? 0)} sides=${sidesOf(t)} onChange=${(v: number) => setWeight(t, v)} />`)}
        <label class="slider">
          <span class="term">fusion</span>
          <select data-testid="w-fusion" value=${String(w.fusion)} onChange=${(e: Event) => setWeight('fusion', (e.target as HTMLSelectElement).value)}>
            ${ds.fusions.map((f) => html`<option value=${f}>${f}</option>`)}
          </select>
        </label>
        ${w.fusion === 'weighted' ? html`<${Slider} name="fusionTalentShare" value=${Number(w.fusionTalentShare)} sides="" onChange=${(v: number) => setWeight('fusionTalentShare', v)} />` : null}
        <label class="slider"><span class="term">k</span>
          <input type="number" min="1" max=${ds.limits.maxK} value=${k} data-testid="k" onChange=${(e: Event) => setK(Math.max(1, Math.min(ds.limits.maxK, Math.round(Number((e.target as HTMLInputElement).value) || ds.limits.defaultK))))} />
        </label>
        <div class="buttons">
          <button data-testid="save" onClick=${save}>save ${editing} as weights.json</button>
          <label class="file">load a file into ${editing}<input type="file" accept=".json,application/json" data-testid="load" onChange=${load} /></label>
          <button onClick=${() => (setSets((s) => ({ ...s, [editing]: { ...ds.weights } })), setOrigin((o) => ({ ...o, [editing]: 'dataset weights' })))}>reset ${editing}</button>
          <button onClick=${() => (setSets((s) => ({ ...s, B: { ...s.A } })), setOrigin((o) => ({ ...o, B: `copy of A: ${o.A}` })))}>copy A to B</button>
        </div>
        ${notice ? html`<p class="notice" data-testid="notice">${notice}</p>` : null}
        <div class="legend">${ds.terms.map((t) => html`<span><i style=${{ background: color(t) }}></i>${t}</span>`)}</div>
      </aside>
      <main>
        <div class="search">
          <input type="search" placeholder="find a talent or platform by id or name (中文 too)" value=${query} data-testid="search"
            onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)}
            onKeyDown=${(e: KeyboardEvent) => e.key === 'Enter' && hits[0] && pick(hits[0].side, hits[0].id)} />
          ${hits.length ? html`<ul class="hits">${hits.map((h) => html`<li data-testid="hit" onClick=${() => pick(h.side, h.id)}><b>${h.side}</b> ${h.name} <small>${h.id}</small></li>`)}</ul>` : null}
        </div>
        ${res ? html`<${MetricsTable} a=${res.a} b=${res.b} />` : html`<p class="muted">evaluating…</p>`}
        ${shownFocus
          ? html`<h2 data-testid="focus">${shownFocus.side} <span>${shownFocus.name}</span> <small>${shownFocus.id}</small></h2>
              <div class=${res?.b?.focus ? 'ab' : ''}>
                <${FocusLists} focus=${shownFocus} set="A" terms=${ds.terms} onPick=${pick} />
                ${res?.b?.focus ? html`<${FocusLists} focus=${res.b.focus} set="B" terms=${ds.terms} onPick=${pick} />` : null}
              </div>`
          : html`<p class="muted">Search a talent or a platform to see its two-way lists and why each item is there.</p>`}
        ${res?.changes ? html`<${Movers} changes=${res.changes} onPick=${pick} />` : null}
      </main>
    </div>
  </div>`;
}

function KeyForm({ onSet }: { onSet: () => void }) {
  const [v, setV] = useState(apiKey.get());
  return html`<form class="key" onSubmit=${(e: Event) => (e.preventDefault(), apiKey.set(v.trim()), onSet())}>
    <label>API key (scope <code>simulate</code>; kept in this tab only) <input type="password" value=${v} data-testid="key" onInput=${(e: Event) => setV((e.target as HTMLInputElement).value)} /></label>
    <button>use key</button>
  </form>`;
}

render(html`<${App} />`, document.getElementById('app')!);
