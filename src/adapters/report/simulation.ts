/**
 * The simulator's HTML report: one self-contained file (ECharts inlined, SVG renderer),
 * per scenario the side-by-side summary, the moves as a Sankey (baseline platform ->
 * scenario platform, "unplaced" on either side), placed talents per industry on both
 * sides, the platforms whose use changed, and the referral changes. Sets
 * `window.__reportReady = true` once every chart has rendered.
 */
import type { SideSummary, SimulationDiff } from '../../simulation/diff.js';
import { echartsSource, esc } from './html.js';
import { FONT_FAMILY, inlineFontCss } from '../web/fonts.js';

const UNPLACED = 'unplaced';

/** Sankey nodes and links of a diff's moves: "X (before)" -> "Y (after)", counts as values. */
function moveFlows(d: SimulationDiff): { nodes: { name: string }[]; links: { source: string; target: string; value: number }[] } {
  const links = new Map<string, { source: string; target: string; value: number }>();
  for (const m of d.moves) {
    const source = `${m.from?.platformId ?? UNPLACED} (before)`;
    const target = `${m.to?.platformId ?? UNPLACED} (after)`;
    const key = `${source}\u0000${target}`;
    const l = links.get(key) ?? { source, target, value: 0 };
    l.value++;
    links.set(key, l);
  }
  const list = [...links.values()].sort((a, b) => b.value - a.value || (a.source + a.target < b.source + b.target ? -1 : 1));
  const names = [...new Set(list.flatMap((l) => [l.source, l.target]))].sort();
  return { nodes: names.map((name) => ({ name })), links: list };
}

function summaryRows(d: SimulationDiff): string {
  const f = (x: number) => x.toFixed(3);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const row = (label: string, s: SideSummary) =>
    `<tr><td>${label}</td><td>${s.placed}</td><td>${s.unplaced}</td><td>${s.totalScore.toFixed(2)}</td><td>${pct(s.coverage.platforms)}</td><td>${f(s.exposureGini.platforms)}</td><td>${pct(s.coverage.talents)}</td><td>${f(s.exposureGini.talents)}</td><td>${s.referrals.supported}</td><td>${s.referrals.supportYuan}</td><td>${s.referrals.introductions}</td><td>${s.gap !== undefined ? pct(s.gap) : ''}</td></tr>`;
  return row('baseline', d.baseline) + row('scenario', d.result);
}

export async function renderSimulationHtml(diffs: readonly SimulationDiff[], generatedAt: string): Promise<string> {
  const data = diffs.map((d) => ({
    name: d.scenario,
    flows: moveFlows(d),
    industries: d.industries.map((r) => ({ name: r.name, baseline: r.baseline.placed, scenario: r.scenario.placed })),
    platforms: d.platforms.filter((p) => p.delta !== 0).map((p) => ({ id: p.id, baseline: p.baseline?.assigned ?? 0, scenario: p.scenario?.assigned ?? 0 })),
  }));
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const sections = diffs
    .map((d, i) => {
      const p2g = d.referrals['platform-to-government'];
      const g2p = d.referrals['government-to-platform'];
      const moves = d.moves
        .slice(0, 50)
        .map((m) => `<tr><td>${esc(m.talentId)}</td><td>${esc(m.kind)}</td><td>${m.from ? `${esc(m.from.platformId)} (${m.from.score.toFixed(3)})` : 'unplaced'}</td><td>${m.to ? `${esc(m.to.platformId)} (${m.to.score.toFixed(3)})` : 'unplaced'}</td></tr>`)
        .join('\n');
      return `<h2>Scenario: ${esc(d.scenario)}</h2>
<div class="muted">${d.moves.length} talents move · placed ${d.delta.placed >= 0 ? '+' : ''}${d.delta.placed} · total score ${d.delta.totalScore >= 0 ? '+' : ''}${d.delta.totalScore.toFixed(3)} · support ${d.delta.supportYuan >= 0 ? '+' : ''}${d.delta.supportYuan} yuan · referrals to government +${p2g.added.length} / −${p2g.removed.length} · introductions to platforms +${g2p.added.length} / −${g2p.removed.length} · cost: ${d.cost.vectorized} texts vectorized, ${d.cost.pairs} of ${d.cost.totalPairs} pairs rescored</div>
<table><tr><th>side</th><th>placed</th><th>unplaced</th><th>total score</th><th>platform coverage</th><th>platform exposure Gini</th><th>talent coverage</th><th>talent exposure Gini</th><th>referred for support</th><th>support (yuan)</th><th>introductions</th><th>gap</th></tr>
${summaryRows(d)}</table>
<h3>Who moves (baseline platform → scenario platform)</h3>
<div id="flow-${i}" class="chart tall"></div>
<h3>Placed talents per industry</h3>
<div id="industry-${i}" class="chart"></div>
<h3>Platforms whose use changed (talents assigned)</h3>
<div id="platforms-${i}" class="chart"></div>
<h3>Moves${d.moves.length > 50 ? ' (first 50)' : ''}</h3>
<table><tr><th>talent</th><th>kind</th><th>from</th><th>to</th></tr>
${moves || '<tr><td colspan="4">nobody moves</td></tr>'}</table>`;
    })
    .join('\n');
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>talentmatch what-if</title>
<style>
<!--TM:FONTS-->
body{font-family:system-ui,-apple-system,"Segoe UI",'${FONT_FAMILY}',sans-serif;margin:24px;color:#1d2733;background:#fafbfc}
h1{margin:0 0 4px}h2{margin:32px 0 8px;font-size:20px}h3{margin:20px 0 6px;font-size:16px}.muted{color:#667;margin-bottom:8px}
.chart{width:100%;height:360px;background:#fff;border:1px solid #e3e6ea;border-radius:6px}
.tall{height:560px}table{border-collapse:collapse;background:#fff;font-size:13px}
td,th{border:1px solid #e3e6ea;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f1f3f5}
</style></head><body>
<h1>talentmatch what-if</h1>
<div class="muted">generated ${esc(generatedAt)} · ${diffs.length} scenario${diffs.length === 1 ? '' : 's'} against the same baseline</div>
${sections}
<script><!--TM:ECHARTS--></script>
<script>
(function () {
  var data = ${json};
  function chart(id, option) {
    var c = echarts.init(document.getElementById(id), null, { renderer: 'svg' });
    c.setOption(Object.assign({ animation: false, tooltip: {} }, option));
    return c;
  }
  data.forEach(function (d, i) {
    chart('flow-' + i, d.flows.links.length === 0
      ? { title: { text: 'nobody moves', left: 'center', top: 'middle' } }
      : { series: [{ type: 'sankey', data: d.flows.nodes, links: d.flows.links, emphasis: { focus: 'adjacency' }, nodeGap: 6, label: { fontSize: 10 }, lineStyle: { color: 'gradient', opacity: 0.4 } }] });
    chart('industry-' + i, {
      legend: { top: 5 }, grid: { left: 60, right: 30, top: 40, bottom: 90 },
      xAxis: { type: 'category', data: d.industries.map(function (r) { return r.name; }), axisLabel: { rotate: 20 } },
      yAxis: { type: 'value', name: 'placed' },
      series: [
        { name: 'baseline', type: 'bar', data: d.industries.map(function (r) { return r.baseline; }) },
        { name: 'scenario', type: 'bar', data: d.industries.map(function (r) { return r.scenario; }) }
      ]
    });
    chart('platforms-' + i, d.platforms.length === 0
      ? { title: { text: 'no platform changes', left: 'center', top: 'middle' } }
      : {
        legend: { top: 5 }, grid: { left: 60, right: 30, top: 40, bottom: 120 },
        xAxis: { type: 'category', data: d.platforms.map(function (p) { return p.id; }), axisLabel: { rotate: 45, fontSize: 10 } },
        yAxis: { type: 'value', name: 'assigned' },
        series: [
          { name: 'baseline', type: 'bar', data: d.platforms.map(function (p) { return p.baseline; }) },
          { name: 'scenario', type: 'bar', data: d.platforms.map(function (p) { return p.scenario; }) }
        ]
      });
  });
  window.__reportReady = true;
})();
</script>
</body></html>
`;
  // as the analyst report (html.ts): the font slices this page's text needs, then ECharts
  const echarts = await echartsSource();
  return page.replace('<!--TM:FONTS-->', () => inlineFontCss(page)).replace('<!--TM:ECHARTS-->', () => echarts);
}
