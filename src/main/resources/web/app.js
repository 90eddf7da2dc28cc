// Burnrate dashboard: a client of the public REST API (/api/v1). No build step; charts by Apache ECharts (WebJar).
'use strict';

// ------------------------------------------------------------------ helpers

const $view = () => document.getElementById('view');

function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** Rounds a decimal (string or number) to `places` exactly, on its digits (half up), and groups thousands. */
function decimal(v, places = 2) {
  if (v === null || v === undefined || v === '') return '–';
  let s = typeof v === 'number' ? numberToPlain(v) : String(v).trim();
  const neg = s.startsWith('-');
  if (neg || s.startsWith('+')) s = s.slice(1);
  let [int, frac = ''] = s.split('.');
  int = int.replace(/^0+(?=\d)/, '') || '0';
  let digits = int + (frac + '0'.repeat(places)).slice(0, places);
  if ((frac[places] || '0') >= '5') {
    const d = digits.split('').map(Number);
    let i = d.length - 1;
    while (i >= 0) { if (d[i] === 9) { d[i] = 0; i--; } else { d[i]++; break; } }
    if (i < 0) d.unshift(1);
    digits = d.join('');
  }
  const ip = digits.slice(0, digits.length - places) || '0';
  const fp = places ? '.' + digits.slice(digits.length - places) : '';
  const grouped = ip.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const zero = /^[0,]*$/.test(grouped) && /^[.0]*$/.test(fp);
  return (neg && !zero ? '-' : '') + grouped + fp;
}

function numberToPlain(n) {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(12).replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** ISO 4217 minor unit of a currency (2 for USD, 0 for JPY), as the server rounds what it shows (half up). */
const minorDigits = cur => {
  try { return cur ? new Intl.NumberFormat('en', { style: 'currency', currency: cur }).resolvedOptions().maximumFractionDigits : 2; } catch { return 2; }
};
/** An amount for people: the API sends exact decimal strings; shown rounded to the currency's minor unit. */
const money = (v, cur) => v === null || v === undefined ? '–' : decimal(v, minorDigits(cur)) + (cur ? ' ' + cur : '');
const amount = (v, cur) => v === null || v === undefined ? '–' : decimal(v, minorDigits(cur));
const pct = v => v === null || v === undefined ? '–' : decimal(v, 1) + '%';
const amountOf = m => m && typeof m === 'object' ? m.amount : m;
const currencyOf = (m, dflt) => m && typeof m === 'object' ? m.currency : dflt;
const isoDate = d => d.toISOString().slice(0, 10);
/** "Now" is the server's clock (from /healthz), so that windows such as "this month" match what the API computes. */
let serverNow = null;
const now = () => new Date(serverNow ?? Date.now());
const daysAgo = n => { const d = now(); d.setUTCDate(d.getUTCDate() - n); return isoDate(d); };
const monthStart = () => { const d = now(); return isoDate(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))); };

function sumByCurrency(rows, field = 'cost') {
  const out = {};
  for (const r of rows) {
    if (r[field] === null || r[field] === undefined) continue;
    out[r.currency] = addDecimal(out[r.currency] || '0', String(r[field]));
  }
  return out;
}

/** Exact decimal addition on strings (for totals shown beside API numbers). */
function addDecimal(a, b) {
  const scale = Math.max((a.split('.')[1] || '').length, (b.split('.')[1] || '').length);
  const toBig = s => {
    const neg = s.startsWith('-'); const t = neg ? s.slice(1) : s;
    const [i, f = ''] = t.split('.');
    const v = BigInt(i + (f + '0'.repeat(scale)).slice(0, scale));
    return neg ? -v : v;
  };
  const sum = toBig(a) + toBig(b);
  const neg = sum < 0n; let digits = (neg ? -sum : sum).toString().padStart(scale + 1, '0');
  const out = scale ? digits.slice(0, -scale) + '.' + digits.slice(-scale) : digits;
  return (neg ? '-' : '') + out;
}

const token = () => sessionStorage.getItem('burnrate.token');

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (token()) headers.Authorization = 'Bearer ' + token();
  if (options.body) {
    // the server refuses state-changing bodies that are not JSON (415): a plain string would go as text/plain
    headers['Content-Type'] = headers['Content-Type'] || 'application/json';
    if (typeof options.body !== 'string') options = { ...options, body: JSON.stringify(options.body) };
  }
  const res = await fetch(path, { ...options, headers });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
  if (!res.ok) {
    const err = new Error((body && (body.detail || body.title)) || res.status + ' ' + res.statusText);
    err.status = res.status;
    throw err;
  }
  return body;
}

/** `selected(row)`: the row a link asked for (e.g. an alert's `#/budgets?id=...`), marked and scrolled to. */
function table(caption, columns, rows, { empty = 'Nothing to show.', id, selected } = {}) {
  if (!rows.length) return `<p class="muted">${esc(empty)}</p>`;
  const head = columns.map(c => `<th scope="col"${c.num ? ' class="num"' : ''}>${esc(c.label)}</th>`).join('');
  const body = rows.map(r => (selected && selected(r) ? '<tr class="selected" aria-selected="true">' : '<tr>') + columns.map((c, i) => {
    const v = c.html ? c.html(r) : esc(c.value(r));
    return i === 0 && c.rowHeader ? `<th scope="row">${v}</th>` : `<td${c.num ? ' class="num"' : ''}>${v}</td>`;
  }).join('') + '</tr>').join('');
  return `<div class="scroll"><table${id ? ` id="${id}"` : ''}><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function card(title, inner, cls = '') {
  return `<section class="card ${cls}" aria-label="${esc(title)}"><h2>${esc(title)}</h2>${inner}</section>`;
}

function kpi(label, value, sub, testid) {
  return `<section class="card kpi" aria-label="${esc(label)}"><div class="label">${esc(label)}</div>` +
    `<div class="value" data-testid="${esc(testid)}">${esc(value)}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</section>`;
}

function bar(fraction) {
  const f = Math.max(0, Math.min(1, fraction || 0));
  const cls = fraction >= 1 ? 'bad' : fraction >= 0.8 ? 'warn' : '';
  return `<div class="bar" role="img" aria-label="${decimal(fraction * 100, 0)} percent"><span class="${cls}" style="width:${(f * 100).toFixed(1)}%"></span></div>`;
}

/**
 * Enter in a text field of these forms does nothing: each form has several verdicts, and the browser would submit the
 * first (Approve, Accept, Confirm) for a reason or note typed for another.
 */
function noImplicitSubmit(selector) {
  document.querySelectorAll(`${selector} input`).forEach(i => i.addEventListener('keydown', e => { if (e.key === 'Enter') e.preventDefault(); }));
}

/**
 * Wires the verdict forms of a page's rows (each submit button is a verdict, the form's data-id the row):
 * act(id, verdict, formData) does it and returns what to tell the person, shown in resultId;
 * a failure is shown there as "Could not {what(verdict)} {id}: {reason}".
 */
function onVerdicts(selector, resultId, what, act) {
  noImplicitSubmit(selector);
  document.querySelectorAll(selector).forEach(f => f.addEventListener('submit', async e => {
    e.preventDefault();
    const verdict = e.submitter ? e.submitter.value : f.querySelector('button[type=submit]').value;
    try {
      const told = await act(f.dataset.id, verdict, new FormData(f));
      document.getElementById(resultId).innerHTML = `<div class="notice">${esc(told)}</div>`;
    } catch (err) {
      document.getElementById(resultId).innerHTML = `<div class="error">Could not ${esc(what(verdict))} ${esc(f.dataset.id)}: ${esc(err.message)}</div>`;
    }
  }));
}

const severityBadge = s => `<span class="badge sev-${esc(s)}">${esc(s)}</span>`;

// ------------------------------------------------------------------ charts

let charts = [];
let timers = [];

function chart(id, option, label) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return;
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const c = echarts.init(el, null, { renderer: 'svg' });
  c.setOption({ aria: { enabled: true }, animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true }, tooltip: { trigger: 'axis' }, ...option });
  charts.push(c);
  return c;
}

window.addEventListener('resize', () => charts.forEach(c => c.resize()));

function disposeAll() {
  charts.forEach(c => c.dispose());
  charts = [];
  timers.forEach(t => clearInterval(t));
  timers = [];
}

/** Axis labels: 12k, 1.2M. */
const compact = v => Math.abs(v) >= 1e6 ? (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M' : Math.abs(v) >= 1e3 ? (v / 1e3).toFixed(0) + 'k' : String(v);

const PALETTE = ['#0b57d0', '#b3261e', '#17663a', '#8a5300', '#6b3fa0', '#00677f', '#5f6368', '#c2185b', '#33691e', '#4e342e'];

// ------------------------------------------------------------------ pages

const pages = {};

pages.overview = async () => {
  const from = monthStart();
  // first view: the headline numbers and the trend; every other card fills in as its data arrives (all requested at once)
  const first = Promise.all([
    api(`/api/v1/costs?from=${from}`),
    api(`/api/v1/costs?granularity=day&from=${daysAgo(60)}`),
    api('/api/v1/forecast?horizon=30'),
    api('/api/v1/coverage').catch(() => ({ coverage: [] })), // refused to a team-scoped token: the card shows no rows
    unresolvedAlerts().catch(() => ({ alerts: [] })),
  ]);
  const rest = {
    team: api(`/api/v1/costs?groupBy=team&from=${from}`),
    model: api(`/api/v1/costs?groupBy=model&from=${from}`),
    service: api(`/api/v1/costs?groupBy=ServiceName&from=${from}`),
    anomalies: api(`/api/v1/anomalies?from=${daysAgo(30)}`),
    budgets: api('/api/v1/budgets').catch(() => ({ budgets: [] })),
    training: api('/api/v1/unit-costs').catch(() => ({ training: [] })),
    inference: api(`/api/v1/inference-costs?from=${from}`).catch(() => ({ inference: [] })),
    weekly: Promise.all([5, 4, 3, 2, 1, 0].map(w => api(`/api/v1/inference-costs?from=${daysAgo(7 * w + 7)}&to=${daysAgo(7 * w)}`)
      .then(r => ({ week: daysAgo(7 * w + 7), rows: r.inference })).catch(() => ({ week: daysAgo(7 * w + 7), rows: [] })))),
  };
  Object.values(rest).forEach(p => p.catch(() => {})); // failures are shown in their card below
  const [mtd, daily, forecast, coverage, alerts] = await first;
  const mtdText = Object.entries(mtd.totals || {}).map(([c, v]) => money(v, c)).join(' · ') || money('0', 'USD');
  const fc = forecast.scopes || [];
  const fcText = fc.map(s => money(s.total, s.currency)).join(' · ') || '–';
  const fcSub = fc.map(s => `80% range ${money(s.totalLow)} – ${money(s.totalHigh, s.currency)}`).join(' · ');
  const teamCov = (coverage.coverage || []).find(c => c.dimension === 'team');
  const openAlerts = alerts.alerts || [];
  const slot = id => `<div id="${id}"><p class="muted">Loading…</p></div>`;

  $view().innerHTML = `<h1>Overview</h1>
    <div class="grid kpis">
      ${kpi('Spend this month to date', mtdText, `since ${from}, effective cost`, 'kpi-mtd')}
      ${kpi('Forecast, next 30 days', fcText, fcSub, 'kpi-forecast')}
      ${kpi('Tag coverage (team)', teamCov ? pct(teamCov.percent) : '–', teamCov ? `${money(teamCov.taggedEffectiveCost, teamCov.currency)} of ${money(teamCov.totalEffectiveCost, teamCov.currency)} allocated` : '', 'kpi-coverage')}
      ${kpi('Unresolved alerts', alertCount(openAlerts.length, alerts), SEVERITIES.map(s => `${openAlerts.filter(a => a.severity === s).length} ${s}`).join(', ') + ` · ${openAlerts.filter(a => a.state === 'acknowledged').length} acknowledged`, 'kpi-alerts')}
    </div>
    <div class="grid">
      ${card('AI spend per day, with the 30-day forecast (80% band)', '<div id="c-trend" class="chart tall"></div>', 'wide')}
      ${card('Spend by team, this month', '<div id="c-team" class="chart"></div>' + slot('t-team'))}
      ${card('Spend by model, this month', '<div id="c-model" class="chart"></div>' + slot('t-model'))}
      ${card('Spend by service, this month', '<div id="c-service" class="chart"></div>' + slot('t-service'))}
      ${card('Cost per 1k inferences, weekly', '<div id="c-unit" class="chart"></div>')}
      ${card('Retraining vs inference, this month', '<div id="c-split" class="chart"></div>')}
      ${card('Tag coverage', table('Share of effective cost carrying each dimension', [
        { label: 'Dimension', value: r => r.dimension, rowHeader: true },
        { label: 'Covered', num: true, value: r => pct(r.percent) },
        { label: 'Untagged', num: true, value: r => money(addDecimal(String(r.totalEffectiveCost), '-' + String(r.taggedEffectiveCost)), r.currency) },
      ], coverage.coverage || []))}
      <div class="pair">${card('Top anomalies, last 30 days and still running', slot('t-anomalies'))}
      ${card('Budgets at risk', slot('t-budgets'))}</div>
    </div>`;

  // trend with forecast band: low as an invisible base, (high - low) stacked on it
  const days = daily.rows.map(r => r.period);
  const actual = daily.rows.map(r => Number(r.cost));
  const f0 = fc[0];
  const fDays = f0 ? f0.days.map(d => d.date) : [];
  const allDays = [...days, ...fDays];
  const pad = n => new Array(n).fill(null);
  chart('c-trend', {
    legend: { top: 0, data: ['Actual', '80% band', 'Forecast'] },
    xAxis: { type: 'category', data: allDays },
    yAxis: { type: 'value', name: f0 ? f0.currency : '', axisLabel: { formatter: compact } },
    series: [
      { name: 'Actual', type: 'bar', data: [...actual, ...pad(fDays.length)], itemStyle: { color: PALETTE[0] } },
      { name: 'low', type: 'line', stack: 'band', data: [...pad(days.length), ...(f0 ? f0.days.map(d => Number(d.low)) : [])], lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
      { name: '80% band', type: 'line', stack: 'band', data: [...pad(days.length), ...(f0 ? f0.days.map(d => Number(d.high) - Number(d.low)) : [])], lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color: '#9bb8f0', opacity: .5 } },
      { name: 'Forecast', type: 'line', data: [...pad(days.length), ...(f0 ? f0.days.map(d => Number(d.expected)) : [])], itemStyle: { color: PALETTE[1] }, lineStyle: { type: 'dashed' }, symbol: 'none' },
    ],
  }, 'Daily AI spend for the last 60 days and the forecast for the next 30 days with its 80 percent band');
  firstView();

  const fill = (id, promise, render) => promise.then(render).catch(err => {
    const el = document.getElementById(id);
    if (el) el.innerHTML = `<div class="error">${esc(err.message)}</div>`;
  });
  const groupCard = (field, key) => fill('t-' + key, rest[key], report => {
    document.getElementById('t-' + key).innerHTML = groupTable(field, report);
    barChart('c-' + key, report, field);
  });
  await Promise.all([
    groupCard('team', 'team'), groupCard('model', 'model'), groupCard('ServiceName', 'service'),
    fill('t-anomalies', rest.anomalies, anomalies => {
      // ranked as the Anomalies page shows them: by what each has cost so far (a cluster left running for 9 days
      // outranks its first day's impact)
      const top = [...(anomalies.anomalies || [])].sort((a, b) => costSoFar(b) - costSoFar(a)).slice(0, 5);
      document.getElementById('t-anomalies').innerHTML = table('Largest impact to date first', [
        { label: 'Day', value: whenOf },
        { label: 'Scope', html: anomalyLink },
        { label: 'Impact to date', num: true, value: r => impactToDate(r) },
        { label: 'Severity', html: r => severityBadge(r.severity) },
        { label: 'Verdict', value: r => r.feedback ? VERDICTS[r.feedback] || r.feedback : r.suppressed ? 'silenced' : '' },
      ], top, { empty: 'No anomalies in the last 30 days.' });
    }),
    fill('t-budgets', rest.budgets, budgets => {
      const atRisk = (budgets.budgets || []).map(b => ({ ...b, forecastShare: Number(b.forecastAtEnd) / Number(b.amount) }))
        .sort((a, b) => b.forecastShare - a.forecastShare);
      document.getElementById('t-budgets').innerHTML = table('Forecast at period end against the budget', [
        { label: 'Budget', html: r => `<a href="#/budgets?id=${encodeURIComponent(r.id)}">${esc(r.id)}</a>` },
        { label: 'Spent', num: true, value: r => money(r.spent, r.currency) },
        { label: 'Forecast at end', num: true, value: r => money(r.forecastAtEnd, r.currency) },
        { label: 'Budget', num: true, value: r => money(r.amount, r.currency) },
        { label: '', html: r => bar(r.forecastShare) },
      ], atRisk, { empty: 'No budgets defined.' });
    }),
    rest.weekly.then(weekly => {
      const models = [...new Set(weekly.flatMap(w => w.rows.map(r => r.model)))].sort();
      chart('c-unit', {
        legend: { top: 0, type: 'scroll' },
        xAxis: { type: 'category', data: weekly.map(w => 'wk of ' + w.week) },
        yAxis: { type: 'value', name: 'per 1k' },
        series: models.map((m, i) => ({ name: m, type: 'line', itemStyle: { color: PALETTE[i % PALETTE.length] },
          data: weekly.map(w => { const r = w.rows.find(x => x.model === m); return r && r.per1kInferences !== null ? Number(r.per1kInferences) : null; }) })),
      }, 'Weekly cost per thousand inferences for each model over the last six weeks');
    }),
    Promise.all([rest.training, rest.inference]).then(([training, inference]) => {
      const month = from.slice(0, 7);
      const trainingTotal = sumByCurrency((training.training || []).map(r => ({ currency: r.currency, cost: (r.retrainingByMonth || {})[month] })));
      const inferenceTotal = sumByCurrency((inference.inference || []).filter(r => r.costKnown));
      const cur = Object.keys(trainingTotal)[0] || Object.keys(inferenceTotal)[0] || 'USD';
      chart('c-split', {
        tooltip: { trigger: 'item' }, legend: { top: 0 },
        series: [{ type: 'pie', radius: ['40%', '70%'], top: 24, label: { formatter: p => `${p.name}\n${money(String(p.value), cur)}` },
          data: [{ name: 'Retraining', value: Number(trainingTotal[cur] || 0), itemStyle: { color: PALETTE[0] } },
            { name: 'Inference', value: Number(inferenceTotal[cur] || 0), itemStyle: { color: PALETTE[2] } }] }],
      }, `Retraining ${money(trainingTotal[cur] || '0', cur)} against inference ${money(inferenceTotal[cur] || '0', cur)}`);
    }),
  ]);
};

/** Marks the moment the page's first view (its headline numbers and main chart) is on screen. */
function firstView() {
  if (!document.body.dataset.firstViewAtMs) document.body.dataset.firstViewAtMs = String(Math.round(performance.now()));
}

function groupTable(field, report) {
  return `<details><summary>Show as table</summary>${table(`Effective cost by ${field}`, [
    { label: field, html: r => `<a href="#/explorer?groupBy=${encodeURIComponent(field)}&from=${report.from || ''}&filter=${encodeURIComponent(field + '=' + r[field])}">${esc(r[field])}</a>` },
    { label: 'Cost', num: true, value: r => money(r.cost, r.currency) },
  ], report.rows)}</details>`;
}

function barChart(id, report, field) {
  const rows = [...report.rows].sort((a, b) => Number(a.cost) - Number(b.cost)).slice(-10);
  chart(id, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', axisLabel: { formatter: compact } },
    yAxis: { type: 'category', data: rows.map(r => r[field]), axisLabel: { width: 110, overflow: 'truncate' } },
    series: [{ type: 'bar', data: rows.map(r => Number(r.cost)), itemStyle: { color: PALETTE[0] } }],
  }, `Effective cost by ${field}: ` + rows.slice().reverse().slice(0, 5).map(r => `${r[field]} ${money(r.cost, r.currency)}`).join(', '));
}

/** What an anomaly has cost so far, as a number to rank by: its impact to date, or its own day's where it has no course. */
const costSoFar = r => Number((r.course || r).impact);
/** An anomaly's scope as every page names it: dimension=value, with an account's name. */
const scopeOf = r => `${r.dimension}=${r.value}` + (r.scopeName ? ` (${r.scopeName})` : '');
/** The same, linked to the anomaly on the Anomalies page. */
const anomalyLink = r => `<a href="#/anomalies?id=${encodeURIComponent(r.id)}">${esc(scopeOf(r))}</a>`;
/** An anomaly's day, and its hour where it is one (01:00, as the CLI and the alerts write it). */
const whenOf = r => r.day + (r.hour !== null && r.hour !== undefined ? ' ' + String(r.hour).padStart(2, '0') + ':00' : '');

/** The severities alerts have (Alert.Severity): what the alert counts are broken down by. */
const SEVERITIES = ['page', 'ticket', 'info'];

/**
 * The alerts not resolved yet: open ones and acknowledged ones (someone is on it; it is not over), open first. An
 * acknowledged page that left the on-call view while its incident still ran read as though it were over.
 */
const unresolvedAlerts = () => Promise.all(['open', 'acknowledged'].map(s => api(`/api/v1/alerts?state=${s}`)))
  .then(([o, a]) => ({ alerts: [...(o.alerts || []), ...(a.alerts || [])], truncated: Boolean(o.truncated || a.truncated) }));

/** A count of alerts as a list of at most 500 per state gives it: "500+" where the API said there are more. */
const alertCount = (n, list) => `${n}${list.truncated ? '+' : ''}`;

/** An anomaly's impact to date: over the days its scope stayed outside the band, and whether it goes on. */
const impactToDate = r => r.course
  ? `${money(r.course.impact, r.currency)} over ${r.course.days} day${r.course.days === 1 ? '' : 's'}${r.course.ongoing ? ', ongoing' : ''}`
  : money(r.impact, r.currency);

/**
 * What on-call still has to look at: incidents of the last 7 days and older ones still going on (a new level keeps
 * costing long after its first day), unless people said they were expected or false (confirmed ones stay) or a
 * dismissal suppressed them; largest impact to date first.
 */
const openAnomalies = (rows, since) => rows
  .filter(a => (a.day >= since || (a.course && a.course.ongoing)) && !a.suppressed && (!a.feedback || a.feedback === 'true_positive'))
  .sort((a, b) => Math.abs(costSoFar(b)) - Math.abs(costSoFar(a)));

pages.oncall = async () => {
  const render = async () => {
    const [alerts, budgets, running, audit, slos, slis, gpu, anomalies, events] = await Promise.all([
      unresolvedAlerts(),
      api('/api/v1/budgets').catch(() => ({ budgets: [] })),
      api('/api/v1/gate/requests?state=running').catch(() => ({ requests: [] })),
      api('/api/v1/audit?last=500').catch(() => ({ events: [] })),
      api('/api/v1/slos').catch(() => ({ slos: [] })),
      api(`/api/v1/slis?from=${daysAgo(1)}`).catch(() => ({ slis: [] })),
      api(`/api/v1/gpu-usage?by=namespace&from=${daysAgo(1)}`).catch(() => ({ usage: [] })),
      api(`/api/v1/anomalies?from=${daysAgo(30)}`).catch(() => ({ anomalies: [] })),
      api(`/api/v1/events?from=${daysAgo(7)}`).catch(() => ({ events: [] })),
    ]);
    const sloOrder = { page: 0, ticket: 1, exhausted: 2, ok: 3 };
    const sloRows = [...(slos.slos || [])].sort((a, b) => (sloOrder[a.state] ?? 4) - (sloOrder[b.state] ?? 4));
    const fmtNum = (v, digits) => v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits });
    const sliOf = r => r.sli === 'error_rate' ? `${fmtNum(r.sliValue, 4)}%` : r.sli === 'gpu_utilisation' ? `${fmtNum(r.sliValue, 2)}%`
      : r.sli === 'cost_per_1k' ? `${fmtNum(r.sliValue, 4)} ${r.objective.unit}` : `${fmtNum(r.sliValue, 1)} ms`;
    // the objective's direction as the API gives it: ≥ a floor (GPU utilisation of a pool), ≤ a ceiling (latency, errors, cost)
    const objectiveOf = r => `${r.objective.comparison === '>=' ? '≥' : '≤'} ${r.objective.threshold} ${r.objective.unit} · ${r.target}% · ${r.window}`;
    const perModel = {};
    for (const l of (slis.slis || [])) {
      const m = perModel[l.model] || (perModel[l.model] = { model: l.model, requests: 0, p95w: 0, errors: 0 });
      m.requests += Number(l.requests); m.errors += Number(l.errors);
      if (l.latencyP95Ms !== null && l.latencyP95Ms !== undefined) m.p95w += Number(l.latencyP95Ms) * Number(l.requests);
    }
    const latency = Object.values(perModel).sort((a, b) => b.requests - a.requests);
    const recentDeploys = [...(events.events || [])].reverse().slice(0, 10);
    const open = alerts.alerts || [];
    const order = { page: 0, ticket: 1, info: 2 };
    open.sort((a, b) => (order[a.severity] ?? 9) - (order[b.severity] ?? 9) || (a.state === 'open' ? 0 : 1) - (b.state === 'open' ? 0 : 1));
    const burning = [...(budgets.budgets || [])].sort((a, b) => Number(a.daysToExhaustion ?? 1e9) - Number(b.daysToExhaustion ?? 1e9));
    const guardActions = (audit.events || []).filter(e => e.action.startsWith('gate.guard.')).reverse().slice(0, 20);
    const jobs = running.requests || [];
    $view().innerHTML = `<h1>On-call</h1>
      <p class="muted" aria-live="polite">Refreshes every 30 seconds · updated <span data-testid="updated">${new Date().toLocaleTimeString()}</span></p>
      <div class="grid kpis">${SEVERITIES.map(s => kpi(`Unresolved ${s} alerts`, alertCount(open.filter(a => a.severity === s).length, alerts), '', 'open-' + s)).join('')}</div>
      <div class="grid">
        ${card('Unresolved alerts', table('Open and acknowledged, most severe first; acknowledged after open', [
          { label: 'Severity', html: r => severityBadge(r.severity) },
          { label: 'State', value: r => r.state },
          { label: 'Alert', value: r => r.title },
          { label: 'Since', value: r => (r.createdAt || r.firstSeen || '').replace('T', ' ').slice(0, 16) },
        ], open, { empty: 'No unresolved alerts.' }), 'wide')}
        ${card('SLO burn', table('Paging first; burn rate = how fast the error budget goes (1 = exactly over the window)', [
          { label: 'SLO', value: r => r.id },
          { label: 'State', html: r => severityBadge(r.state) },
          { label: 'SLI', num: true, value: r => sliOf(r) },
          { label: 'Objective', value: r => objectiveOf(r) },
          { label: 'Budget left', num: true, value: r => r.budgetRemainingPercent === null || r.budgetRemainingPercent === undefined ? '–' : `${fmtNum(r.budgetRemainingPercent, 1)}%` },
          { label: 'Burn 1h / 6h / 3d', num: true, value: r => ['1h', '6h', '3d'].map(w => r.burnRates && r.burnRates[w] !== undefined && r.burnRates[w] !== null ? fmtNum(r.burnRates[w], 2) + '×' : '–').join(' / ') },
        ], sloRows, { empty: 'No SLOs declared (slos: in burnrate.yaml).', id: 'slos' }), 'wide')}
        ${card('P95 latency per model, since yesterday 00:00 UTC', table('Request-weighted P95; most requests first', [
          { label: 'Model', html: r => debugLink(r.model) },
          { label: 'Requests', num: true, value: r => fmtNum(r.requests, 0) },
          { label: 'P95', num: true, value: r => r.requests ? `${fmtNum(r.p95w / r.requests, 1)} ms` : '–' },
          { label: 'Errors', num: true, value: r => r.requests ? `${fmtNum(100 * r.errors / r.requests, 3)}%` : '–' },
        ], latency, { empty: 'No inference usage since yesterday 00:00 UTC.', id: 'latency' }))}
        ${card('GPU utilisation per pool, since yesterday 00:00 UTC', table('Pool = the samples\' namespace', [
          { label: 'Pool', value: r => r.namespace || '(none)' },
          { label: 'GPU hours', num: true, value: r => fmtNum(r.gpuHours, 1) },
          { label: 'Mean util.', num: true, value: r => r.meanUtilization === null || r.meanUtilization === undefined ? '–' : `${fmtNum(r.meanUtilization, 1)}%` },
          { label: 'Idle GPU hours', num: true, value: r => fmtNum(r.idleGpuHours, 1) },
        ], gpu.usage || [], { empty: 'No GPU samples since yesterday 00:00 UTC.', id: 'gpu-pools' }))}
        ${card('Open spend anomalies: the last 7 days, and older ones still going on', table('One row per incident, largest impact to date first; confirmed ones stay, expected or false ones go', [
          { label: 'Day', value: whenOf },
          { label: 'Scope', html: anomalyLink },
          { label: 'Impact to date', num: true, value: r => money((r.course || r).impact, r.currency) + (r.course && r.course.ongoing ? ', ongoing' : '') },
          { label: 'Cause', value: r => (r.rootCause || []).slice(0, 1).map(c => `${c.dimension}=${c.value}`).join('') },
        ], openAnomalies(anomalies.anomalies || [], daysAgo(7)),
          { empty: 'No open spend anomalies in the last 7 days, and none going on.', id: 'oncall-anomalies' }))}
        ${card('Recent deploys and changes', table('Newest first (POST /api/v1/events)', [
          { label: 'At', value: r => r.at.replace('T', ' ').slice(0, 16) },
          { label: 'Change', value: r => r.kind },
          { label: 'Model', value: r => r.model + (r.variant ? '/' + r.variant : '') },
          { label: 'What', value: r => r.description || '' },
        ], recentDeploys, { empty: 'No deploys or changes in the last 7 days.', id: 'deploys' }))}
        ${card('Budgets burning fastest', table('Fewest days to exhaustion first', [
          { label: 'Budget', html: r => `<a href="#/budgets?id=${encodeURIComponent(r.id)}">${esc(r.id)}</a>` },
          { label: 'Burn per day', num: true, value: r => money(r.burnRatePerDay, r.currency) },
          { label: 'Remaining', num: true, value: r => money(r.remaining, r.currency) },
          { label: 'Days left', num: true, value: r => r.daysToExhaustion ?? '–' },
        ], burning, { empty: 'No budgets defined.' }))}
        ${card('Running jobs: live spend against the reservation', table('From the gate; spend as last reported by the job', [
          { label: 'Job', value: r => r.id },
          { label: 'Team', value: r => r.request.team },
          { label: 'Spend', num: true, value: r => money(r.guard && r.guard.spend, currencyOf(r.reservations[0] && r.reservations[0].amount, 'USD')) },
          { label: 'Reserved', num: true, value: r => r.reservations.length ? money(amountOf(r.reservations[0].amount), currencyOf(r.reservations[0].amount)) : '–' },
          { label: '', html: r => bar(r.guard && r.reservations.length ? Number(r.guard.spend) / Number(amountOf(r.reservations[0].amount)) : 0) },
          { label: 'Guard', value: r => r.guard ? r.guard.lastAction : '–' },
        ], jobs, { empty: 'No gated job is running.', id: 'running' }), 'wide')}
        ${card('Recent guard actions', table('Newest first', [
          { label: 'At', value: r => r.at.replace('T', ' ').slice(0, 19) },
          { label: 'Job', value: r => r.subject },
          { label: 'Action', value: r => r.action.replace('gate.guard.', '') },
        ], guardActions, { empty: 'The guard has not acted recently.' }))}
      </div>`;
  };
  await render();
  timers.push(setInterval(() => render().catch(showError), 30000));
};

// ------------------------------------------------------------------ explorer

const DIMENSIONS = ['team', 'project', 'model', 'model_version', 'environment', 'cost_center', 'feature', 'customer', 'owner'];
const COLUMNS = ['ServiceName', 'ServiceCategory', 'ProviderName', 'RegionId', 'SubAccountId', 'ResourceId', 'ResourceType', 'ChargeCategory', 'SkuId'];
const DRILL = { team: 'model', project: 'model', model: 'ServiceName', model_version: 'ServiceName', environment: 'team', cost_center: 'team',
  feature: 'model', customer: 'model', owner: 'team', ServiceName: 'ResourceId', ServiceCategory: 'ServiceName', ProviderName: 'ServiceName',
  RegionId: 'ServiceName', SubAccountId: 'ServiceName', ResourceType: 'ResourceId', ChargeCategory: 'ServiceName', SkuId: 'ResourceId' };

function explorerState(params) {
  return {
    groupBy: params.get('groupBy') || 'team',
    from: params.get('from') || daysAgo(30),
    to: params.get('to') || '',
    granularity: params.get('granularity') || 'none',
    basis: params.get('basis') || 'effective',
    filters: params.getAll('filter'),
  };
}

function explorerHash(s) {
  const p = new URLSearchParams();
  p.set('groupBy', s.groupBy); p.set('from', s.from);
  if (s.to) p.set('to', s.to);
  p.set('granularity', s.granularity); p.set('basis', s.basis);
  s.filters.forEach(f => p.append('filter', f));
  return '#/explorer?' + p.toString();
}

pages.explorer = async params => {
  const s = explorerState(params);
  const q = new URLSearchParams(explorerHash(s).split('?')[1]);
  const report = await api('/api/v1/costs?' + q.toString());
  const filterOn = name => (s.filters.find(f => f.split(/[=:]/)[0] === name) || '').split(/[=:]/).slice(1).join('=');
  const jobModel = filterOn('model'), jobTeam = filterOn('team');
  const jobs = (jobModel || jobTeam) ? await api(`/api/v1/jobs?${jobModel ? 'model=' + encodeURIComponent(jobModel) : ''}${jobTeam ? '&team=' + encodeURIComponent(jobTeam) : ''}`).catch(() => ({ jobs: [] })) : null;
  const option = (v, cur) => `<option value="${esc(v)}"${v === cur ? ' selected' : ''}>${esc(v)}</option>`;
  const totals = Object.entries(report.totals || {});
  // one row per group key (summed over periods) for the table
  const byKey = new Map();
  for (const r of report.rows) {
    const k = r[s.groupBy] ?? '(none)';
    const e = byKey.get(k) || { key: k, currency: r.currency, cost: '0', records: 0 };
    e.cost = addDecimal(e.cost, String(r.cost)); e.records += r.records;
    byKey.set(k, e);
  }
  const keyed = [...byKey.values()].sort((a, b) => Number(b.cost) - Number(a.cost));
  const total = report.totals && report.totals[keyed[0] && keyed[0].currency];
  $view().innerHTML = `<h1>Explorer</h1>
    <form class="controls" id="explorer-form" aria-label="Query">
      <label>Group by<select name="groupBy" id="groupBy">
        <optgroup label="Dimensions">${DIMENSIONS.map(d => option(d, s.groupBy)).join('')}</optgroup>
        <optgroup label="FOCUS columns">${COLUMNS.map(d => option(d, s.groupBy)).join('')}</optgroup></select></label>
      <label>From<input type="date" name="from" value="${esc(s.from)}"></label>
      <label>To (exclusive)<input type="date" name="to" value="${esc(s.to)}"></label>
      <label>Granularity<select name="granularity">${['none', 'day', 'week', 'month'].map(g => option(g, s.granularity)).join('')}</select></label>
      <label>Cost basis<select name="basis">${['effective', 'billed', 'list', 'contracted'].map(g => option(g, s.basis)).join('')}</select></label>
      <label>Filters (FIELD=VALUE, comma-separated)<input name="filters" size="28" value="${esc(s.filters.join(', '))}" placeholder="team=fraud, RegionId=us-east-1"></label>
      <button class="primary" type="submit">Apply</button>
      <button type="button" id="csv">Download CSV</button>
    </form>
    <div class="crumbs" aria-label="Active filters">${s.filters.length ? 'Filtered by ' + s.filters.map((f, i) =>
      `<span class="chip">${esc(f)} <button type="button" class="link" data-unfilter="${i}" aria-label="Remove filter ${esc(f)}">×</button></span>`).join('') : '<span class="muted">No filters</span>'}</div>
    <div class="grid">
      ${card(`${s.basis} cost by ${s.groupBy}`, `<div id="c-explorer" class="chart tall"></div>
        <p>Total: <strong data-testid="explorer-total">${totals.map(([c, v]) => money(v, c)).join(' · ') || '–'}</strong></p>`, 'wide')}
      ${card('Rows', table(`Select a ${s.groupBy} to drill down to ${DRILL[s.groupBy] || 'its resources'}`, [
        { label: s.groupBy, html: r => DRILL[s.groupBy] ? `<button type="button" class="link" data-drill="${esc(r.key)}">${esc(r.key)}</button>` : esc(r.key), rowHeader: true },
        { label: 'Cost', num: true, value: r => money(r.cost, r.currency) },
        { label: 'Share', num: true, value: r => total ? pct(String(Number(r.cost) / Number(total) * 100)) : '–' },
        { label: 'Charges', num: true, value: r => r.records },
      ], keyed, { id: 'explorer-rows', empty: 'No charges match.' }), 'wide')}
      ${jobs ? card('Jobs in this scope', table('Training runs matched to this team or model', [
        { label: 'Job', value: r => r.id }, { label: 'Model', value: r => r.model }, { label: 'Status', value: r => r.status },
        { label: 'Instance', value: r => `${r.instanceCount} × ${r.instanceType} (${r.pricing})` },
        { label: 'Start', value: r => (r.start || '').slice(0, 16).replace('T', ' ') },
        { label: 'Cost', num: true, value: r => money(r.cost, r.currency) },
      ], jobs.jobs.slice(0, 50), { id: 'explorer-jobs', empty: 'No jobs recorded in this scope.' }), 'wide') : ''}
    </div>`;
  const form = document.getElementById('explorer-form');
  form.addEventListener('submit', e => {
    e.preventDefault();
    const fd = new FormData(form);
    location.hash = explorerHash({ groupBy: fd.get('groupBy'), from: fd.get('from'), to: fd.get('to'), granularity: fd.get('granularity'),
      basis: fd.get('basis'), filters: String(fd.get('filters')).split(',').map(x => x.trim()).filter(Boolean) });
  });
  document.querySelectorAll('[data-drill]').forEach(b => b.addEventListener('click', () => {
    location.hash = explorerHash({ ...s, groupBy: DRILL[s.groupBy], filters: [...s.filters, `${s.groupBy}=${b.dataset.drill}`] });
  }));
  document.querySelectorAll('[data-unfilter]').forEach(b => b.addEventListener('click', () => {
    location.hash = explorerHash({ ...s, filters: s.filters.filter((_, i) => i !== Number(b.dataset.unfilter)) });
  }));
  document.getElementById('csv').addEventListener('click', () => {
    const cols = [...(report.rows[0] && report.rows[0].period !== undefined ? ['period'] : []), s.groupBy, 'currency', 'cost', 'records'];
    const quote = v => /[",\n]/.test(String(v ?? '')) ? '"' + String(v).replace(/"/g, '""') + '"' : String(v ?? '');
    const csv = [cols.join(','), ...report.rows.map(r => cols.map(c => quote(r[c])).join(','))].join('\n') + '\n';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    a.download = `burnrate-${s.groupBy}-${s.from}.csv`;
    document.body.appendChild(a); a.click(); a.remove();
  });
  // chart: stacked by period when there is a granularity, else one bar per key
  const top = keyed.slice(0, 12).map(r => r.key);
  if (s.granularity !== 'none') {
    const periods = [...new Set(report.rows.map(r => r.period))].sort();
    chart('c-explorer', {
      legend: { top: 0, type: 'scroll' }, xAxis: { type: 'category', data: periods }, yAxis: { type: 'value' },
      series: top.map((k, i) => ({ name: k, type: 'bar', stack: 'all', itemStyle: { color: PALETTE[i % PALETTE.length] },
        data: periods.map(p => { const r = report.rows.find(x => x.period === p && (x[s.groupBy] ?? '(none)') === k); return r ? Number(r.cost) : 0; }) })),
    }, `${s.basis} cost by ${s.groupBy} per ${s.granularity}`);
  } else {
    chart('c-explorer', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: top, axisLabel: { rotate: top.length > 6 ? 30 : 0 } }, yAxis: { type: 'value' },
      series: [{ type: 'bar', data: keyed.slice(0, 12).map(r => Number(r.cost)), itemStyle: { color: PALETTE[0] } }],
    }, `${s.basis} cost by ${s.groupBy}: ` + keyed.slice(0, 5).map(r => `${r.key} ${money(r.cost, r.currency)}`).join(', '));
  }
};

// ------------------------------------------------------------------ models, budgets, anomalies

pages.models = async () => {
  const [unit, inference] = await Promise.all([api('/api/v1/unit-costs'), api('/api/v1/inference-costs').catch(() => ({ inference: [] }))]);
  const month = isoDate(now()).slice(0, 7);
  const inf = new Map((inference.inference || []).map(r => [r.model, r]));
  const names = [...new Set([...(unit.training || []).map(r => r.model), ...inf.keys()])].sort();
  const rows = names.map(m => ({ model: m, t: (unit.training || []).find(r => r.model === m), i: inf.get(m) }));
  $view().innerHTML = `<h1>Models</h1>
    <div class="grid">
      ${card('Unit economics per model', table('Training from job runs linked to the bill; inference from usage × cost', [
        { label: 'Model', html: r => debugLink(r.model), rowHeader: true },
        { label: 'Runs', num: true, value: r => r.t ? r.t.runs : '–' },
        { label: 'Cost per run', num: true, value: r => r.t ? money(r.t.costPerRun, r.t.currency) : '–' },
        { label: `Retraining ${month}`, num: true, value: r => r.t && r.t.retrainingByMonth && r.t.retrainingByMonth[month] ? money(r.t.retrainingByMonth[month], r.t.currency) : '–' },
        { label: 'GPU utilisation', num: true, value: r => r.t && r.t.meanGpuUtilization !== null && r.t.meanGpuUtilization !== undefined ? pct(r.t.meanGpuUtilization) : '–' },
        { label: 'Idle GPU cost', num: true, value: r => r.t && r.t.idleGpuCost ? money(r.t.idleGpuCost, r.t.currency) : '–' },
        { label: 'Per 1k inferences', num: true, value: r => r.i && r.i.per1kInferences ? money(r.i.per1kInferences, r.i.currency) : '–' },
        { label: 'Inference cost', num: true, value: r => r.i && r.i.cost ? money(r.i.cost, r.i.currency) : '–' },
      ], rows, { id: 'models' }), 'wide')}
      ${card('Retraining spend per month', '<div id="c-retrain" class="chart tall"></div>', 'wide')}
    </div>`;
  const months = [...new Set((unit.training || []).flatMap(r => Object.keys(r.retrainingByMonth || {})))].sort();
  chart('c-retrain', {
    legend: { top: 0, type: 'scroll' }, xAxis: { type: 'category', data: months }, yAxis: { type: 'value' },
    series: (unit.training || []).map((r, i) => ({ name: r.model, type: 'bar', stack: 'all', itemStyle: { color: PALETTE[i % PALETTE.length] },
      data: months.map(m => Number((r.retrainingByMonth || {})[m] || 0)) })),
  }, 'Retraining spend per month for each model');
};

// ------------------------------------------------------------------ debug: one model

const debugLink = m => `<a href="#/debug?model=${encodeURIComponent(m)}">${esc(m)}</a>`;
const at = v => v ? v.replace('T', ' ').slice(0, 16) : '–';

/** What an SRE looks at when one model misbehaves: its latency hour by hour, its runs and evictions, cost per 1k, deploys. */
pages.debug = async params => {
  const model = params && params.get('model');
  if (!model) {
    const [slis, unit] = await Promise.all([api(`/api/v1/slis?from=${daysAgo(7)}`).catch(() => ({ slis: [] })), api('/api/v1/unit-costs').catch(() => ({ training: [] }))]);
    const names = [...new Set([...(slis.slis || []).map(l => l.model), ...(unit.training || []).map(t => t.model)])].sort();
    $view().innerHTML = `<h1>Debug a model</h1>` + card('Models', names.length
      ? `<ul id="debug-models">${names.map(m => `<li>${debugLink(m)}</li>`).join('')}</ul>` : '<p class="muted">No models yet.</p>', 'wide');
    return;
  }
  const q = encodeURIComponent(model);
  const [series, jobs, costs, events] = await Promise.all([
    api(`/api/v1/slis/series?model=${q}&from=${daysAgo(7)}`),
    api(`/api/v1/jobs?model=${q}`).catch(() => ({ jobs: [] })),
    api(`/api/v1/inference-costs?by=model&from=${daysAgo(7)}`).catch(() => ({ inference: [] })),
    api(`/api/v1/events?model=${q}&from=${daysAgo(30)}`).catch(() => ({ events: [] })),
  ]);
  const points = series.points || [];
  const runs = [...(jobs.jobs || [])].filter(j => j.model === model).sort((a, b) => (b.start || '').localeCompare(a.start || '')).slice(0, 20);
  const evictions = runs.reduce((n, j) => n + Number(j.evictions || 0), 0);
  const ms = v => v === null || v === undefined ? '–' : decimal(v, 1) + ' ms';
  $view().innerHTML = `<h1>Debug · ${esc(model)}</h1>
    <p class="muted"><a href="#/debug">Other models</a> · <a href="#/oncall">On-call</a></p>
    <div class="grid">
      ${card('Latency per hour, last 7 days', points.length ? '<div id="c-latency" class="chart tall"></div>' : '<p class="muted">No inference usage of this model in the last 7 days.</p>', 'wide')}
      ${card('Latency and errors, newest hours', table('Request-weighted percentiles of the hour\'s intervals (GET /api/v1/slis/series); the last 24 hours with traffic', [
        { label: 'Hour', value: r => at(r.hour), rowHeader: true },
        { label: 'Requests', num: true, value: r => decimal(r.requests, 0) },
        { label: 'P50', num: true, value: r => ms(r.latencyP50Ms) },
        { label: 'P95', num: true, value: r => ms(r.latencyP95Ms) },
        { label: 'P99', num: true, value: r => ms(r.latencyP99Ms) },
        { label: 'Errors', num: true, value: r => r.errorRatePercent === null || r.errorRatePercent === undefined ? '–' : decimal(r.errorRatePercent, 3) + '%' },
      ], [...points].reverse().slice(0, 24), { empty: 'No inference usage of this model in the last 7 days.', id: 'debug-latency' }), 'wide')}
      ${card(`Training and retrain runs (${evictions} spot evictions)`, table('Newest first, at most 20', [
        { label: 'Run', value: r => r.id, rowHeader: true },
        { label: 'Kind', value: r => r.kind || '' },
        { label: 'Status', value: r => r.status || '' },
        { label: 'Start', value: r => at(r.start) },
        { label: 'Pricing', value: r => r.pricing || '' },
        { label: 'Evictions', num: true, value: r => String(r.evictions ?? 0) },
        { label: 'Eviction overhead', num: true, value: r => r.evictionOverhead ? money(r.evictionOverhead, r.currency) : '–' },
        { label: 'Cost', num: true, value: r => money(r.cost, r.currency) + (r.estimated ? ' (est.)' : '') },
      ], runs, { empty: 'No training runs of this model.', id: 'debug-runs' }), 'wide')}
      ${card('Cost per 1k inferences, last 7 days', table('Endpoint cost split onto the usage it served (GET /api/v1/inference-costs)', [
        { label: 'Currency', value: r => r.currency || '–' },
        { label: 'Requests', num: true, value: r => decimal(r.requests, 0) },
        { label: 'Cost', num: true, value: r => money(r.cost, r.currency) },
        { label: 'Per 1k inferences', num: true, value: r => r.per1kInferences ? decimal(r.per1kInferences, 4) + ' ' + r.currency : '–' },
        { label: 'Per 1M tokens', num: true, value: r => r.per1MTokens ? decimal(r.per1MTokens, 4) + ' ' + r.currency : '–' },
      ], (costs.inference || []).filter(r => r.model === model), { empty: 'No inference cost for this model in the last 7 days.', id: 'debug-cost' }), 'wide')}
      ${card('Deploys and changes, last 30 days', table('Newest first (POST /api/v1/events)', [
        { label: 'At', value: r => at(r.at) },
        { label: 'Change', value: r => r.kind },
        { label: 'Variant', value: r => r.variant || '' },
        { label: 'What', value: r => r.description || '' },
        { label: 'By', value: r => r.actor || '' },
      ], [...(events.events || [])].reverse(), { empty: 'No deploys or changes of this model in the last 30 days.', id: 'debug-deploys' }), 'wide')}
    </div>`;
  if (points.length) {
    const line = (name, field, i) => ({ name, type: 'line', showSymbol: false, itemStyle: { color: PALETTE[i] },
      data: points.filter(p => p[field] !== null && p[field] !== undefined).map(p => [p.hour, Number(p[field])]) });
    chart('c-latency', { legend: { top: 0 }, xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'ms' },
      series: [line('P50', 'latencyP50Ms', 2), line('P95', 'latencyP95Ms', 0), line('P99', 'latencyP99Ms', 1)] },
      `Hourly P50, P95 and P99 latency of ${model} over the last 7 days`);
  }
};

/** Scrolls to the row a link selected, if any. */
function revealSelected() {
  const row = document.querySelector('tr.selected');
  if (row) row.scrollIntoView({ block: 'center' });
}

pages.budgets = async params => {
  const { budgets } = await api('/api/v1/budgets');
  const want = params && params.get('id');
  $view().innerHTML = `<h1>Budgets</h1>` + card('Budgets this period', table('Spent, held by the gate (reserved), and the forecast at period end', [
    { label: 'Budget', value: r => r.id, rowHeader: true },
    { label: 'Scope', value: r => Object.entries(r.scope || {}).map(([k, v]) => `${k}=${[].concat(v).join('|')}`).join(', ') },
    { label: 'Period', value: r => `${r.period.start} – ${r.period.end}` },
    { label: 'Amount', num: true, value: r => money(r.amount, r.currency) },
    { label: 'Spent', num: true, value: r => money(r.spent, r.currency) },
    { label: '', html: r => bar(Number(r.spent) / Number(r.amount)) },
    { label: 'Reserved', num: true, value: r => money(r.reserved, r.currency) },
    { label: 'Forecast at end', num: true, value: r => money(r.forecastAtEnd, r.currency) },
    { label: 'Days left', num: true, value: r => r.daysToExhaustion ?? '–' },
    { label: 'Thresholds crossed', value: r => (r.crossedThresholds || []).map(t => typeof t === 'object' ? `${t.percent}% ${t.on}` : t).join(', ') || 'none' },
  ], budgets, { id: 'budgets', selected: r => r.id === want, empty: 'No budgets yet: add one with burnrate budgets add or POST /api/v1/budgets.' }), 'wide');
  revealSelected();
};

/** What a person said of an anomaly, as the page shows it (the API's verdicts are true_positive, expected, false_positive). */
const VERDICTS = { true_positive: 'confirmed', expected: 'expected', false_positive: 'false alarm' };

pages.anomalies = async params => {
  const { anomalies } = await api(`/api/v1/anomalies?from=${daysAgo(90)}`);
  const want = params && params.get('id');
  $view().innerHTML = `<h1>Anomalies</h1><div id="anomaly-result" role="status"></div>` + card('Spend anomalies, last 90 days', table('One row per incident: its expected range, what explains the change and the other scopes it was seen in. Expected or false alarm silences its scopes for 7 days and resolves its alert', [
    { label: 'Day', value: whenOf },
    { label: 'Scope', value: scopeOf },
    { label: 'Actual', num: true, value: r => money(r.actual, r.currency) },
    { label: 'Expected', num: true, value: r => `${amount(r.expected, r.currency)} (${amount(r.expectedLow, r.currency)} – ${amount(r.expectedHigh, r.currency)})` },
    { label: 'Impact', num: true, value: r => money(r.impact, r.currency) },
    { label: 'Impact to date', num: true, value: r => impactToDate(r) },
    { label: 'Severity', html: r => severityBadge(r.severity) },
    { label: 'Root cause', html: r => `<ul class="reasons">${(r.rootCause || []).slice(0, 3).map(c =>
      `<li>${esc(c.dimension)}=${esc(c.value)}: ${esc(money(c.delta, r.currency))}${c.share === null || c.share === undefined ? '' : ` (${esc(String(Math.round(Number(c.share) * 100)))}% of the change)`}</li>`).join('')}</ul>` },
    { label: 'Also seen in', html: r => (r.alsoSeenIn || []).length ? `<ul class="reasons">${r.alsoSeenIn.map(o =>
      `<li>${esc(o.dimension)}=${esc(o.value)}: ${esc(money(o.impact, r.currency))}${o.when && o.when !== r.day ? ` (${esc(o.when)})` : ''}</li>`).join('')}</ul>` : '' },
    { label: 'Feedback', html: r => `${r.feedback ? `<strong class="verdict">${esc(VERDICTS[r.feedback] || r.feedback)}</strong>${r.feedbackNote ? `: ${esc(r.feedbackNote)}` : ''}` : ''}
      <form class="verdict" data-id="${esc(r.id)}">
        <label>Note<input name="note" size="10" aria-label="Note on ${esc(scopeOf(r))} on ${esc(whenOf(r))}"></label>
        <button type="submit" value="true_positive" aria-label="Confirm ${esc(scopeOf(r))} on ${esc(whenOf(r))}">Confirm</button>
        <button type="submit" value="expected" aria-label="Expected: ${esc(scopeOf(r))} on ${esc(whenOf(r))}">Expected</button>
        <button class="danger" type="submit" value="false_positive" aria-label="False alarm: ${esc(scopeOf(r))} on ${esc(whenOf(r))}">False alarm</button></form>` },
  ], anomalies, { id: 'anomalies', selected: r => r.id === want || (r.alsoSeenIn || []).some(o => o.id === want),
    empty: 'No anomalies detected in the last 90 days.' }), 'wide');
  revealSelected();
  onVerdicts('form.verdict', 'anomaly-result', v => `record ${VERDICTS[v]} for`, async (id, verdict, form) => {
    const note = form.get('note');
    const a = await api(`/api/v1/anomalies/${encodeURIComponent(id)}/feedback`, { method: 'POST', body: note ? { verdict, note } : { verdict } });
    await pages.anomalies(params);
    // what the verdict did to the incident's alert, as the API says (it said "resolved" where there was no alert)
    const alert = { resolved: ' and its alert is resolved', reopened: '; its alert is open again',
      stays_resolved: '; its alert stays resolved (a person resolved it)' }[a.alert] || '';
    return `${scopeOf(a)} on ${whenOf(a)} is now ${VERDICTS[a.feedback] || a.feedback}${
      a.silencedThrough ? `: its scopes are silenced through ${a.silencedThrough} (7 days)` : ''}${alert}.`;
  });
};

// ------------------------------------------------------------------ savings

/** A ratio sent as an exact decimal string ("0.589123") as a percent with one decimal ("58.9%"), on its digits. */
const ratioPct = v => v === null || v === undefined ? '–' : pct(shift2(String(v)));
function shift2(s) {
  const neg = s.startsWith('-'); const t = neg ? s.slice(1) : s;
  const [i, f = ''] = t.split('.');
  const frac = f.padEnd(2, '0');
  return (neg ? '-' : '') + ((i + frac.slice(0, 2)).replace(/^0+(?=\d)/, '')) + (frac.length > 2 ? '.' + frac.slice(2) : '');
}

/** Potential monthly saving (open and accepted ones) per key and currency: [{key, currency, saving, count}], largest first. */
function savingsBy(recs, keyOf) {
  const out = new Map();
  for (const r of recs) {
    if (r.state.status === 'dismissed' || r.state.status === 'implemented') continue;
    const k = keyOf(r) + '\u0000' + r.currency;
    const cur = out.get(k) || { key: keyOf(r), currency: r.currency, saving: '0', count: 0 };
    out.set(k, { ...cur, saving: addDecimal(cur.saving, r.monthlySaving), count: cur.count + 1 });
  }
  return [...out.values()].sort((a, b) => Number(b.saving) - Number(a.saving) || a.key.localeCompare(b.key));
}

const stateText = s => s.status + (s.reason ? ': ' + s.reason : '') + (s.actor ? ` (${s.actor}, ${(s.at || '').replace('T', ' ').slice(0, 16)})` : '');

pages.savings = async params => {
  const data = await api('/api/v1/recommendations');
  const recs = data.recommendations || [];
  const want = params && params.get('id');
  const totals = Object.entries(data.monthlySavingTotals || {});
  const realised = data.realised || [];
  const realisedTotals = sumByCurrency(realised.filter(r => r.realisedSaving !== null), 'realisedSaving');
  const open = recs.filter(r => r.state.status === 'open').length;
  const byKind = savingsBy(recs, r => r.kind);
  const byTeam = savingsBy(recs, r => r.team || '(no team)');
  const c = data.commitments;
  $view().innerHTML = `<h1>Savings</h1>
    <div id="savings-result" role="status"></div>
    <div class="grid kpis">
      ${kpi('Potential saving per month', totals.map(([cur, v]) => money(v, cur)).join(' · ') || money('0', 'USD'), 'open and accepted; a month is 30 days', 'kpi-savings')}
      ${kpi('Open recommendations', String(open), `${recs.length} in all, as of ${(data.asOf || '').replace('T', ' ').slice(0, 16)}`, 'kpi-open')}
      ${kpi('Realised saving per month', Object.entries(realisedTotals).map(([cur, v]) => money(v, cur)).join(' · ') || '–', 'implemented, measured from later bills', 'kpi-realised')}
    </div>
    <div class="grid">
      ${card('Potential saving by kind', table('Per 30-day month at the prices the bill shows', [
        { label: 'Kind', value: r => r.key, rowHeader: true }, { label: 'Recommendations', num: true, value: r => r.count },
        { label: 'Saving per month', num: true, value: r => money(r.saving, r.currency) },
      ], byKind, { id: 'savings-by-kind', empty: 'No savings found.' }))}
      ${card('Potential saving by team', table('Commitments belong to no team', [
        { label: 'Team', value: r => r.key, rowHeader: true }, { label: 'Recommendations', num: true, value: r => r.count },
        { label: 'Saving per month', num: true, value: r => money(r.saving, r.currency) },
      ], byTeam, { id: 'savings-by-team', empty: 'No savings found.' }))}
      ${card('Recommendations', table('Largest monthly saving first, with the evidence it rests on', [
        { label: 'Recommendation', html: r => `<span class="mono">${esc(r.id)}</span><br>${esc(r.target)}${r.team ? `<br><span class="muted">team ${esc(r.team)}</span>` : ''}` },
        { label: 'Kind', value: r => r.kind },
        { label: 'Saving per month', num: true, value: r => money(r.monthlySaving, r.currency) },
        { label: 'Risk', value: r => r.risk },
        { label: 'Evidence', html: r => `<details><summary>${esc(r.evidence.rule)}</summary>` +
          `<div class="muted">${esc(r.evidence.from.slice(0, 16).replace('T', ' '))} – ${esc(r.evidence.to.slice(0, 16).replace('T', ' '))} UTC</div>` +
          `<ul class="reasons">${Object.entries(r.evidence.numbers || {}).map(([k, v]) => `<li>${esc(k)} = ${esc(v)}</li>`).join('')}</ul></details>` },
        { label: 'Action', value: r => r.action },
        { label: 'State', html: r => `<span class="nowrap">${esc(r.state.status)}</span>${esc(stateText(r.state).slice(r.state.status.length))}` },
        { label: 'Decide', html: r => r.state.status === 'implemented' ? '' : `<form class="decide" data-id="${esc(r.id)}">
          <label>Reason<input name="reason" size="14" aria-label="Reason to dismiss ${esc(r.id)}"></label>
          <button class="primary" type="submit" value="accept">Accept</button>
          <button class="danger" type="submit" value="dismiss">Dismiss</button>
          ${r.state.status === 'accepted' ? '<button type="submit" value="implemented">Implemented</button>' : ''}</form>` },
      ], recs, { id: 'recommendations', selected: r => r.id === want, empty: 'No recommendations: nothing idle, running off-hours, oversized, uncommitted, cheaper to serve or to store was found.' }), 'wide')}
      ${card('Realised savings', table('Spend of the target per 30 days before the recommendation was accepted, and after it was implemented, from the bills', [
        { label: 'Recommendation', html: r => `<span class="mono">${esc(r.id)}</span><br>${esc(r.target)}` },
        { label: 'Expected per month', num: true, value: r => money(r.expectedMonthlySaving, r.currency) },
        { label: 'Before, per month', num: true, value: r => money(r.beforePerMonth, r.currency) },
        { label: 'After, per month', num: true, value: r => money(r.afterPerMonth, r.currency) },
        { label: 'Realised per month', num: true, value: r => money(r.realisedSaving, r.currency) },
        { label: 'Measured', value: r => r.note || `${r.afterFrom.slice(0, 10)} – ${r.afterTo.slice(0, 10)} (${r.afterDays} days of bills)` },
      ], realised, { id: 'realised', empty: 'Nothing implemented yet: mark an accepted recommendation implemented to measure what it saved.' }), 'wide')}
      ${c ? card(`Commitments, ${c.from} – ${c.to}`, table('Utilisation: used / (used + unused) effective cost', [
        { label: 'Commitment', value: r => r.name || r.id, rowHeader: true }, { label: 'Type', value: r => r.type },
        { label: 'Used', num: true, value: r => money(r.usedEffective, r.currency) },
        { label: 'Unused', num: true, value: r => money(r.unusedEffective, r.currency) },
        { label: 'Utilisation', num: true, value: r => ratioPct(r.utilisation) },
      ], c.commitments, { id: 'commitments', empty: 'The bill shows no commitments.' }) + table('Coverage: committed / (committed + on demand) usage at list cost', [
        { label: 'Service', value: r => r.service, rowHeader: true },
        { label: 'Committed', num: true, value: r => money(r.coveredList, r.currency) },
        { label: 'On demand', num: true, value: r => money(r.onDemandList, r.currency) },
        { label: 'Coverage', num: true, value: r => ratioPct(r.coverage) },
      ], c.coverage, { id: 'coverage', empty: '' }), 'wide') : ''}
      ${(data.notes || []).length ? card('Notes', `<ul class="reasons" id="savings-notes">${data.notes.map(n => `<li>${esc(n)}</li>`).join('')}</ul>`, 'wide') : ''}
    </div>`;
  revealSelected();
  onVerdicts('form.decide', 'savings-result', v => v, async (id, verb, form) => {
    const r = await api(`/api/v1/recommendations/${encodeURIComponent(id)}/${verb}`, { method: 'POST', body: verb === 'dismiss' ? { reason: form.get('reason') } : {} });
    await pages.savings(params);
    return `${r.id} is now ${r.state ? r.state.status : verb}.`;
  });
};

// ------------------------------------------------------------------ governance

pages.approvals = async () => {
  const { requests } = await api('/api/v1/gate/requests?state=pending_approval');
  const decided = await api('/api/v1/gate/requests?limit=20').catch(() => ({ requests: [] }));
  const approver = sessionStorage.getItem('burnrate.approver') || '';
  $view().innerHTML = `<h1>Approvals</h1>
    <div id="approval-result" role="status"></div>
    ${card(`Waiting for an approver (${requests.length})`, requests.length ? requests.map(t => `
      <article class="approval" aria-label="Request ${esc(t.id)}" data-request="${esc(t.id)}">
        <strong>${esc(t.request.model)}</strong> · ${esc(t.request.kind)} · team ${esc(t.request.team)} · asked by ${esc(t.request.requester)}
        <div>p90 <strong>${esc(money(amountOf(t.planEstimate.p90), currencyOf(t.planEstimate.p90)))}</strong>
          (p50 ${esc(money(amountOf(t.planEstimate.p50), currencyOf(t.planEstimate.p50)))}), ${esc(t.request.count)} × ${esc(t.request.instanceType)} ${esc(t.request.pricing)},
          expires ${esc((t.expiresAt || '').replace('T', ' ').slice(0, 16))}</div>
        <ul class="reasons">${t.reasons.map(r => `<li>${esc(r)}</li>`).join('')}</ul>
        <form data-id="${esc(t.id)}">
          <label>Approver<input name="approver" value="${esc(approver)}" required autocomplete="username"></label>
          <label>Reason<input name="reason" size="40" required></label>
          <button class="primary" type="submit" value="approve">Approve</button>
          <button class="danger" type="submit" value="reject">Reject</button>
        </form>
      </article>`).join('') : '<p class="muted">Nothing is waiting for approval.</p>', 'wide')}
    <div style="height:1rem"></div>
    ${card('Recent requests', table('All gate requests you may see, newest first', [
      { label: 'Request', value: r => r.id }, { label: 'Model', value: r => r.request.model }, { label: 'Team', value: r => r.request.team },
      { label: 'Decision', value: r => r.decision }, { label: 'State', value: r => r.state },
      { label: 'p90', num: true, value: r => r.planEstimate ? money(amountOf(r.planEstimate.p90), currencyOf(r.planEstimate.p90)) : '–' },
    ], decided.requests || [], { id: 'recent-requests' }), 'wide')}`;
  onVerdicts('.approval form', 'approval-result', v => v, async (id, verdict, form) => {
    sessionStorage.setItem('burnrate.approver', form.get('approver'));
    const t = await api(`/api/v1/gate/requests/${encodeURIComponent(id)}/${verdict}`, { method: 'POST', body: { approver: form.get('approver'), reason: form.get('reason') } });
    await pages.approvals();
    return `${t.id} is now ${t.state}.`;
  });
};

pages.policies = async () => {
  const { policies } = await api('/api/v1/policies');
  $view().innerHTML = `<h1>Policies</h1>` + card('Loaded policies', table('Policies as code: CEL conditions, checked at load', [
    { label: 'Name', value: r => r.name, rowHeader: true },
    { label: 'Applies to', value: r => r.appliesTo },
    { label: 'Effect', value: r => r.effect },
    { label: 'Mode', value: r => r.mode },
    { label: 'Condition', html: r => `<code>${esc(r.condition)}</code>` },
    { label: 'Message', value: r => r.message },
  ], policies.map(p => ({ ...p, appliesTo: lower(p.appliesTo), effect: lower(p.effect), mode: lower(p.mode) })),
  { id: 'policies', empty: 'No policies loaded: add them under policies: in burnrate.yaml (see examples/policies).' }), 'wide');
};

const lower = v => typeof v === 'string' ? v.toLowerCase() : v;

pages.audit = async () => {
  const { events } = await api('/api/v1/audit?last=200');
  $view().innerHTML = `<h1>Audit log</h1>
    <p><button type="button" id="verify">Verify the hash chain</button> <span id="verify-result" role="status"></span></p>
    ${card('Latest entries', table('Append-only and hash-chained; newest first', [
      { label: 'Seq', num: true, value: r => r.seq },
      { label: 'At', value: r => r.at.replace('T', ' ').slice(0, 19) },
      { label: 'Actor', value: r => r.actor }, { label: 'Action', value: r => r.action }, { label: 'Subject', value: r => r.subject },
      { label: 'Hash', html: r => `<span class="mono" title="${esc(r.hash)}">${esc(r.hash.slice(0, 12))}…</span>` },
    ], [...events].reverse(), { id: 'audit' }), 'wide')}`;
  document.getElementById('verify').addEventListener('click', async () => {
    const out = document.getElementById('verify-result');
    const v = await api('/api/v1/audit/verify');
    out.innerHTML = v.intact ? `<span class="ok">Intact: ${esc(v.entries)} entries, head ${esc(v.headHash.slice(0, 12))}…</span>`
      : `<span class="bad">Broken at entry ${esc(v.brokenAt)}: ${esc(v.reason)}</span>`;
  });
};

// ------------------------------------------------------------------ router

function showError(err) {
  $view().insertAdjacentHTML('afterbegin', `<div class="error" role="alert">${esc(err.status === 401 || err.status === 403
    ? 'The API refused this view (' + err.message + '). Set an API token under "API token".' : err.message)}</div>`);
}

async function route() {
  const hash = location.hash || '#/overview';
  const [path, query] = hash.slice(2).split('?');
  const page = pages[path] ? path : 'overview';
  disposeAll();
  document.body.removeAttribute('data-ready');
  document.body.removeAttribute('data-first-view-at-ms');
  document.querySelectorAll('nav a').forEach(a => a.removeAttribute('aria-current'));
  document.querySelectorAll('nav a').forEach(a => { if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); });
  document.title = 'Burnrate · ' + document.querySelector(`nav a[data-page="${page}"]`).textContent;
  $view().innerHTML = '<p class="muted">Loading…</p>';
  const started = performance.now();
  try {
    await pages[page](new URLSearchParams(query || ''));
  } catch (err) {
    $view().innerHTML = `<h1>${esc(page)}</h1>`;
    showError(err);
  }
  document.body.dataset.renderMs = String(Math.round(performance.now() - started));
  // since navigation start: HTML, scripts, the API calls and drawing (what "first view" means in bench/DashboardBench.java)
  document.body.dataset.readyAtMs = String(Math.round(performance.now()));
  firstView(); // pages without a separate first view: the whole page is the first view
  document.body.dataset.ready = page;
}

document.getElementById('token-form').addEventListener('submit', e => {
  e.preventDefault();
  const v = document.getElementById('token').value.trim();
  if (v) sessionStorage.setItem('burnrate.token', v); else sessionStorage.removeItem('burnrate.token');
  route();
});
window.addEventListener('hashchange', route);
fetch('/healthz').then(r => r.json()).then(h => { serverNow = Date.parse(h.now); }).catch(() => {}).finally(route);
