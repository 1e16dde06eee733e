// The Canaria dashboard: one page, hash routes (#/ the list, #/rollouts/NAME one rollout), live over server-sent events.
// Text from the controller is always set as text, never parsed as HTML.
import { lineChart } from './charts.js';
import { renderList, renderRollout, el } from './views.js';

const SIGNAL_CAP = 1800, LLR_CAP = 1200; // the controller keeps as many (RolloutSeries)
const state = { csrf: '', platform: '', rollouts: [], rollout: null, missing: false, history: { events: [], revisions: [] }, signals: [], llr: [], signalsNote: null, answer: null };
let stream = null, route = null, frame = 0;

const view = document.getElementById('view');
const live = document.getElementById('live');
const problem = document.getElementById('problem');

async function start() {
  const session = await fetch('/dashboard/api/session', { credentials: 'same-origin' });
  if (session.status === 401) { location.reload(); return; }
  const body = await session.json();
  state.csrf = body.csrf;
  state.platform = body.platform;
  document.getElementById('platform').textContent = body.platform;
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', connect);
  connect();
}

function routeName() {
  const m = /^#\/rollouts\/([^/]+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

function connect() {
  route = routeName();
  stream?.close();
  Object.assign(state, { rollout: null, missing: false, history: { events: [], revisions: [] }, signals: [], llr: [], signalsNote: null, answer: null });
  view.replaceChildren();
  stream = new EventSource('/dashboard/api/stream' + (route ? '?rollout=' + encodeURIComponent(route) : ''));
  stream.onopen = () => { state.signals = []; state.llr = []; setLive('live'); }; // a new stream sends every point again
  stream.onerror = async () => {
    setLive('reconnecting');
    if (stream.readyState === EventSource.CLOSED) {
      const check = await fetch('/dashboard/api/session', { credentials: 'same-origin' });
      if (check.status === 401) location.reload(); // the session ended: the page answers with the login form
    }
  };
  const on = (type, f) => stream.addEventListener(type, e => { f(JSON.parse(e.data)); schedule(); });
  on('rollouts', d => { state.rollouts = d; });
  on('problem', d => { problem.hidden = !d.message; problem.textContent = d.message ?? ''; });
  on('rollout', d => { state.rollout = d; state.missing = false; });
  on('missing', () => { state.missing = true; });
  on('history', d => { state.history = d; });
  on('signals', d => { state.signalsNote = d; });
  on('series', d => {
    state.signals = state.signals.concat(d.signals).slice(-SIGNAL_CAP);
    state.llr = state.llr.concat(d.llr).slice(-LLR_CAP);
  });
  on('expired', () => { stream.close(); location.reload(); });
}

function setLive(what) { live.textContent = what; live.dataset.state = what; }

function schedule() {
  if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
}

function render() {
  if (!route) renderList(view, state.rollouts, state.platform);
  else renderRollout(view, state, route, { act, charts: charts() });
}

function charts() {
  // Where the points come from (a cluster's Prometheus) or why the last read failed: said above the charts, never instead of the page.
  const n = state.signalsNote;
  const note = n?.message ? el('p', { class: `signals-note${n.error ? ' error' : ''}`, 'data-testid': 'signals-note', role: n.error ? 'alert' : undefined }, n.message) : null;
  if (state.platform !== 'local' && state.signals.length === 0 && state.llr.length === 0) return [note];
  const byVersion = new Map();
  for (const p of state.signals) {
    if (!byVersion.has(p.version)) byVersion.set(p.version, { role: p.role, points: [] });
    const entry = byVersion.get(p.version);
    entry.role = p.role;
    entry.points.push(p);
  }
  const versions = [...byVersion.entries()];
  const line = (pick, suffix = '', extra = '') => versions.map(([v, e]) => ({
    name: v + suffix, cls: e.role + extra, points: e.points.map(p => ({ t: Date.parse(p.at), v: pick(p) })),
  }));
  const result = [
    note,
    lineChart({ id: 'rps', title: 'Requests per second', series: line(p => p.rps), yMin: 0 }),
    lineChart({ id: 'success', title: 'Success rate', unit: '%', series: line(p => p.successRate === null ? null : p.successRate * 100), format: v => v.toFixed(1), yMax: 100 }),
    lineChart({ id: 'latency', title: 'Latency p50 / p95 / p99', unit: ' ms', yMin: 0, format: v => v < 10 ? v.toFixed(1) : v.toFixed(0), series: [
      ...line(p => p.p99Ms, ' p99'), ...line(p => p.p95Ms, ' p95', ' dash'), ...line(p => p.p50Ms, ' p50', ' dot')] }),
    lineChart({ id: 'weight', title: 'Traffic share', unit: '%', series: line(p => p.weight), yMin: 0, yMax: 100, format: v => v.toFixed(0) }),
  ];
  const checks = [...new Set(state.llr.map(p => p.check))];
  for (const check of checks) {
    const points = state.llr.filter(p => p.check === check);
    const withBreaks = [];
    points.forEach((p, i) => {
      if (i > 0 && points[i - 1].step !== p.step) withBreaks.push({ t: Date.parse(p.at), v: null }); // a new step starts over
      withBreaks.push({ t: Date.parse(p.at), v: p.llr });
    });
    const last = points[points.length - 1];
    const crossings = points.filter(p => p.llr >= p.upper || p.llr <= p.lower);
    const figure = lineChart({
      id: 'llr-' + check, title: `Sequential test “${check}”: log-likelihood ratio`, format: v => v.toFixed(1),
      series: [{ name: 'LLR', cls: 'llr', points: withBreaks }],
      lines: [{ y: last.upper, label: `fail bound ${last.upper.toFixed(2)}`, cls: 'upper' }, { y: last.lower, label: `pass bound ${last.lower.toFixed(2)}`, cls: 'lower' }],
      markers: crossings.slice(0, 1).map(p => ({ t: Date.parse(p.at), v: p.llr, cls: p.llr >= p.upper ? 'crossing upper' : 'crossing lower',
        title: `${p.verdict}: LLR ${p.llr.toFixed(2)} ${p.llr >= p.upper ? '≥ fail bound ' + p.upper.toFixed(2) : '≤ pass bound ' + p.lower.toFixed(2)}` })),
    });
    const svg = figure.querySelector('svg');
    svg.dataset.crossed = crossings.length === 0 ? 'none' : crossings[0].llr >= crossings[0].upper ? 'upper' : 'lower';
    svg.dataset.maxLlr = Math.max(...points.map(p => p.llr)).toFixed(3);
    svg.dataset.upper = last.upper.toFixed(3);
    if (crossings.length) {
      const crossed = el('p', { class: 'crossed', 'data-testid': 'llr-crossed' },
        crossings[0].llr >= crossings[0].upper ? `crossed the fail bound at ${new Date(Date.parse(crossings[0].at)).toLocaleTimeString([], { hour12: false })}` : 'crossed the pass bound');
      figure.append(crossed);
    }
    result.push(figure);
  }
  return result;
}

async function act(op, label, extra = {}) {
  const query = new URLSearchParams();
  if (extra.step) query.set('step', extra.step);
  if (extra.toRevision) query.set('toRevision', extra.toRevision);
  state.answer = { op: label, pending: true, message: 'sent…' };
  schedule();
  try {
    const response = await fetch(`/dashboard/api/rollouts/${encodeURIComponent(route)}/${op}?${query}`, {
      method: 'POST', credentials: 'same-origin', headers: { 'X-Canaria-Csrf': state.csrf },
    });
    const body = await response.json().catch(() => ({ message: response.statusText }));
    state.answer = { op: label, ok: response.ok, status: response.status, message: body.message ?? '' };
  } catch (e) {
    state.answer = { op: label, ok: false, status: 0, message: 'the controller did not answer: ' + e.message };
  }
  schedule();
}

async function logout() {
  await fetch('/dashboard/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-Canaria-Csrf': state.csrf } });
  location.reload();
}

start();
