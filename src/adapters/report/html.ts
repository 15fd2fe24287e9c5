/**
 * One self-contained HTML file: the report data inlined as JSON and Apache ECharts
 * (bundled from node_modules, no network) rendering SVG charts. Sets
 * `window.__reportReady = true` once every chart has rendered.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ReportData } from '../../evaluation/report.js';
import type { ReferralReport } from './referrals.js';
import { FONT_FAMILY, inlineFontCss } from '../web/fonts.js';

const require = createRequire(import.meta.url);

export async function echartsSource(): Promise<string> {
  const path = require.resolve('echarts/dist/echarts.min.js');
  return (await readFile(path, 'utf8')).replace(/<\/script/gi, '<\\/script');
}

export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const yuanM = (y: number) => `${(y / 1e6).toFixed(2)} M`;

function referralSection(r: ReferralReport | undefined): string {
  if (!r) return '';
  const b = r.budget;
  const budget = b
    ? `<p>Support budget ${yuanM(b.budgetYuan)} yuan for ${yuanM(b.requestedYuan)} suggested: ${b.funded} cases funded (${yuanM(b.allocatedYuan)}), ${b.notFunded} not funded; allocation ${esc(b.method)}${b.method === 'greedy' ? ` (gap ${(100 * b.gap).toFixed(2)}% to the LP bound)` : ' (exact)'}.</p>`
    : '<p class="muted">No support budget in the policy: amounts are suggestions.</p>';
  const cases = r.cases
    .map((c) => `<tr><td>${esc(c.talentId)}</td><td>${esc(c.name)}</td><td>${esc(c.platformId)}</td><td>${c.hosted ? 'hosted' : 'introduced'}</td><td>${c.merit.toFixed(3)}</td><td>${c.supportYuan.toLocaleString('en')}</td><td>${c.funded === null ? '-' : c.funded ? 'yes' : 'no'}</td><td>${esc(c.reason)}</td></tr>`)
    .join('\n');
  const reserves = r.reserves
    .map((x) => `<tr><td>${esc(x.platformId)}</td><td>${x.introduced}</td><td>${x.reserve}</td><td>${esc(x.next)}</td><td>${esc(x.nextStatus)}</td><td>${x.margin === null ? '-' : x.margin.toFixed(4)}</td></tr>`)
    .join('\n');
  return `<h2>Two-way referrals</h2>
<div class="muted">platform → government: hosted and introduced projects put forward for policy support; government → platform: projects introduced and the reserve (who comes next when a slot frees up)</div>
${budget}
<div id="referrals" class="chart tall"></div>
<h3>Cases put forward (funded first, then the strongest not funded)</h3>
<table><tr><th>talent</th><th>name</th><th>platform</th><th>kind</th><th>merit</th><th>suggested yuan</th><th>funded</th><th>why</th></tr>
${cases || '<tr><td colspan="8">no cases</td></tr>'}</table>
<h3>Reserves (platforms with the most demand)</h3>
<table><tr><th>platform</th><th>introduced</th><th>reserve</th><th>next in line</th><th>where it is now</th><th>margin to the weakest introduced</th></tr>
${reserves || '<tr><td colspan="6">no reserves</td></tr>'}</table>`;
}

export async function renderReportHtml(data: ReportData, referrals?: ReferralReport): Promise<string> {
  const json = JSON.stringify({ ...data, referrals: referrals ?? null }).replace(/</g, '\\u003c');
  const rows = data.unassigned
    .map((u) => `<tr><td>${esc(u.talentId)}</td><td>${esc(u.name)}</td><td>${u.bestScore.toFixed(3)}</td><td>${esc(u.code)}</td><td>${esc(u.reason)}</td></tr>`)
    .join('\n');
  const metricRows = data.runs
    .map((r) => {
      const e = r.evaluation;
      const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
      return `<tr><td>${esc(r.label)}</td><td>${f(e.talent.ndcg)}</td><td>${f(e.talent.map)}</td><td>${f(e.talent.recall)}</td><td>${f(e.talent.mrr)}</td><td>${f(e.platform.ndcg)}</td><td>${f(e.platform.map)}</td><td>${f(e.platform.recall)}</td><td>${f(e.platform.mrr)}</td><td>${(100 * e.coverage.platforms).toFixed(1)}%</td><td>${e.exposureGini.toFixed(3)}</td></tr>`;
    })
    .join('\n');
  const s = data.summary;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(data.title)}</title>
<style>
<!--TM:FONTS-->
body{font-family:system-ui,-apple-system,"Segoe UI",'${FONT_FAMILY}',sans-serif;margin:24px;color:#1d2733;background:#fafbfc}
h1{margin:0 0 4px}h2{margin:28px 0 8px;font-size:18px}h3{margin:18px 0 6px;font-size:15px}.muted{color:#667}
.chart{width:100%;height:380px;background:#fff;border:1px solid #e3e6ea;border-radius:6px}
.tall{height:520px}table{border-collapse:collapse;background:#fff;font-size:13px}
td,th{border:1px solid #e3e6ea;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f1f3f5}
</style></head><body>
<h1>${esc(data.title)}</h1>
<div class="muted">generated ${esc(data.generatedAt)} · ${s.talents} talent projects · ${s.platforms} platforms · ${s.pairs} acceptable pairs · ${s.assigned} assigned (total score ${s.totalScore.toFixed(2)}, blocking pairs ${s.blockingPairs})</div>
<h2>Metrics of both sides (k = ${data.runs[0]?.evaluation.k ?? 10})</h2>
<table><tr><th>weights</th><th>talent NDCG</th><th>talent MAP</th><th>talent recall</th><th>talent MRR</th><th>platform NDCG</th><th>platform MAP</th><th>platform recall</th><th>platform MRR</th><th>platform coverage</th><th>exposure Gini</th></tr>
${metricRows}</table>
<div id="metrics" class="chart"></div>
<h2>Recommendations: talent industry × platform (most recommended ${data.heatmap.platforms.length} platforms)</h2>
<div id="heatmap" class="chart tall"></div>
<h2>Capacity use per platform (slots)</h2>
<div id="capacity" class="chart tall"></div>
<h2>Score distributions</h2>
<div id="scores" class="chart"></div>
<h2>Top unassigned talents and why</h2>
<table><tr><th>talent</th><th>name</th><th>best score</th><th>code</th><th>reason</th></tr>
${rows || '<tr><td colspan="5">every talent was assigned</td></tr>'}</table>
${referralSection(referrals)}
<script><!--TM:ECHARTS--></script>
<script>
(function () {
  var data = ${json};
  var base = { animation: false, tooltip: {}, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily }, grid: { left: 60, right: 30, top: 40, bottom: 90 } };
  function chart(id, option) {
    var c = echarts.init(document.getElementById(id), null, { renderer: 'svg' });
    c.setOption(Object.assign({}, base, option));
    return c;
  }
  var cats = ['talent NDCG', 'talent MAP', 'talent recall', 'talent MRR', 'platform NDCG', 'platform MAP', 'platform recall', 'platform MRR'];
  chart('metrics', {
    legend: { top: 5 },
    xAxis: { type: 'category', data: cats, axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', min: 0 },
    series: data.runs.map(function (r) {
      var e = r.evaluation;
      var v = [e.talent.ndcg, e.talent.map, e.talent.recall, e.talent.mrr, e.platform.ndcg, e.platform.map, e.platform.recall, e.platform.mrr];
      return { name: r.label, type: 'bar', data: v.map(function (x) { return x === null ? 0 : +x.toFixed(4); }) };
    })
  });
  var max = 1;
  data.heatmap.cells.forEach(function (c) { if (c[2] > max) max = c[2]; });
  chart('heatmap', {
    grid: { left: 230, right: 30, top: 20, bottom: 120 },
    xAxis: { type: 'category', data: data.heatmap.platforms, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'category', data: data.heatmap.industries },
    visualMap: { min: 0, max: max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
    series: [{ type: 'heatmap', data: data.heatmap.cells }]
  });
  chart('capacity', {
    legend: { top: 5 },
    xAxis: { type: 'category', data: data.capacity.platforms, axisLabel: { rotate: 60, fontSize: 9 } },
    yAxis: { type: 'value', name: 'slots' },
    series: [
      { name: 'hosted before', type: 'bar', stack: 's', data: data.capacity.usedBefore },
      { name: 'assigned now', type: 'bar', stack: 's', data: data.capacity.assigned },
      { name: 'free after', type: 'bar', stack: 's', data: data.capacity.freeAfter }
    ]
  });
  chart('scores', {
    legend: { top: 5 },
    xAxis: { type: 'category', data: data.scores.bins, axisLabel: { rotate: 45 } },
    yAxis: { type: 'value', name: 'pairs' },
    series: [
      { name: 'recommended (top-k)', type: 'bar', data: data.scores.recommended },
      { name: 'assigned', type: 'bar', data: data.scores.assigned }
    ]
  });
  if (data.referrals) {
    var r = data.referrals;
    chart('referrals', {
      legend: { top: 5 },
      grid: { left: 60, right: 80, top: 40, bottom: 110 },
      xAxis: { type: 'category', data: r.platforms, axisLabel: { rotate: 60, fontSize: 9 } },
      yAxis: [{ type: 'value', name: 'projects' }, { type: 'value', name: 'funded (M yuan)' }],
      series: [
        { name: 'hosted, put forward', type: 'bar', stack: 'g', data: r.putForwardHosted },
        { name: 'introduced, put forward', type: 'bar', stack: 'g', data: r.putForwardIntroduced },
        { name: 'reserve', type: 'bar', data: r.reserve },
        { name: 'funded (M yuan)', type: 'line', yAxisIndex: 1, data: r.fundedYuan.map(function (y) { return +(y / 1e6).toFixed(3); }) }
      ]
    });
  }
  window.__reportReady = true;
})();
</script>
</body></html>
`;
  // Chinese names render in Noto Sans SC, inlined: only the slices this page's own text uses
  // (counted before ECharts' source goes in, which carries its Chinese locale strings)
  // (placeholders no data can forge: user text has '<' escaped, in the markup and in the JSON)
  const echarts = await echartsSource();
  return page.replace('<!--TM:FONTS-->', () => inlineFontCss(page)).replace('<!--TM:ECHARTS-->', () => echarts);
}
