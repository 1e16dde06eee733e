// The list and the rollout page, built with DOM calls (text is always textContent).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const time = t => t ? new Date(t).toLocaleTimeString([], { hour12: false }) : '';
const stamp = t => t ? new Date(t).toLocaleString([], { hour12: false }) : '';
const phaseBadge = r => el('span', { class: `phase ${r.phase.toLowerCase()}`, 'data-testid': 'phase' }, r.phase);
const stepText = r => r.steps.length === 0 ? '' : r.stepIndex >= r.steps.length - 1 ? 'full promotion' : `step ${r.stepIndex + 1}/${r.steps.length - 1}`;

function splitBar(r) {
  const weighted = r.versions.filter(v => v.weight > 0 || v.role !== 'previous');
  return el('div', { class: 'split', 'data-testid': 'split' },
    el('div', { class: 'bar' }, weighted.filter(v => v.weight > 0).map(v =>
      el('span', { class: `seg ${v.role}`, style: undefined, 'data-version': v.version, 'data-weight': v.weight, title: `${v.version} ${v.weightText ?? v.weight + '%'}` }))),
    el('div', { class: 'labels' }, weighted.map(v =>
      el('span', { class: `key ${v.role}`, 'data-role': v.role }, `${v.version} (${v.role}) ${v.weightText ?? v.weight + '%'}`))));
}

// Bar widths come from a class per 1% step (the page's CSP allows no inline styles).
function sizeBars(root) {
  for (const seg of root.querySelectorAll('.seg')) seg.classList.add('w' + Math.max(0, Math.min(100, Number(seg.dataset.weight))));
}

export function renderList(view, rollouts, platform) {
  const rows = rollouts.map(r => el('tr', { 'data-rollout': r.name },
    el('td', {}, el('a', { href: '#/rollouts/' + encodeURIComponent(r.name) }, r.name)),
    el('td', {}, phaseBadge(r)),
    el('td', {}, stepText(r), el('div', { class: 'muted' }, r.stepState)),
    el('td', {}, splitBar(r)),
    el('td', {}, r.versions.map(v => el('div', {}, `${v.version}: ${v.readyReplicas}/${v.desiredReplicas} ready`))),
    el('td', {}, r.checks.map(c => el('span', { class: `verdict ${(c.verdict ?? 'none').toLowerCase()}`, title: c.evidence ?? '' }, `${c.name} ${c.verdict ?? '–'}`))),
    el('td', { class: 'message' }, r.abortReason ?? r.message)));
  const table = el('table', { class: 'rollouts' },
    el('thead', {}, el('tr', {}, ['Rollout', 'Phase', 'Step', 'Traffic', 'Replicas', 'Analysis', 'Message'].map(h => el('th', {}, h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 7, class: 'muted' }, platform === 'local' ? 'No rollouts yet: canaria apply -f rollout.yaml' : 'No Rollouts in this namespace: kubectl apply -f rollout.yaml'))));
  view.replaceChildren(el('h1', {}, 'Rollouts'), table);
  sizeBars(view);
}

const ACTIONS = [
  ['promote', 'Promote', 'Finish the current step now and go on to the next one.'],
  ['promote-full', 'Promote full', 'Skip the remaining steps: the canary goes to full size, then takes 100% of traffic.'],
  ['pause', 'Pause', 'Hold the rollout where it is (analysis still aborts a bad canary while paused).'],
  ['resume', 'Resume', 'Continue from where the rollout was held.'],
  ['abort', 'Abort', 'Send all traffic back to stable now; the canary is scaled down after.'],
  ['retry', 'Retry', 'Release the aborted revision again from the first step.'],
  ['jump', 'Jump to step…', 'Go to a step (1-based), forward or back.', 'Step'],
  ['undo', 'Undo…', 'Release an earlier revision again (leave empty for the one before the current spec; the stable revision cancels a release).', 'Revision'],
];

function confirmAction(name, [op, label, text, input], act) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = `${label.replace('…', '')} ${name}?`;
  document.getElementById('confirm-text').textContent = text;
  const field = document.getElementById('confirm-input');
  document.getElementById('confirm-input-label').hidden = !input;
  document.getElementById('confirm-input-name').textContent = input ?? '';
  field.value = '';
  field.required = op === 'jump';
  const ok = document.getElementById('confirm-ok');
  ok.textContent = label.replace('…', '');
  ok.className = op === 'abort' ? 'danger' : '';
  dialog.returnValue = '';
  dialog.onclose = () => {
    if (dialog.returnValue !== 'ok') return;
    act(op, label.replace('…', ''), op === 'jump' ? { step: field.value } : op === 'undo' ? { toRevision: field.value } : {});
  };
  dialog.showModal();
}

function skeleton(view, name, act) {
  view.dataset.route = name;
  const actions = el('div', { class: 'actions' }, ACTIONS.map(a =>
    el('button', { type: 'button', 'data-op': a[0], class: a[0] === 'abort' ? 'danger' : '', onclick: () => confirmAction(name, a, act) }, a[1])));
  view.replaceChildren(
    el('p', {}, el('a', { href: '#/' }, '← all rollouts')),
    el('section', { id: 'head' }),
    el('section', { id: 'traffic' }),
    el('section', { id: 'pipeline' }),
    el('section', { class: 'card' }, el('h2', {}, 'Operations'), actions, el('div', { id: 'answer', 'data-testid': 'answer', role: 'status' })),
    el('section', { id: 'charts', class: 'charts' }),
    el('section', { id: 'checks', class: 'card' }),
    el('section', { id: 'history', class: 'card' }),
    el('section', { id: 'revisions', class: 'card' }));
}

function put(view, id, ...children) { view.querySelector('#' + id).replaceChildren(...children.flat().filter(c => c !== null && c !== undefined)); }

export function renderRollout(view, state, name, { act, charts }) {
  if (view.dataset.route !== name || !view.querySelector('#head')) skeleton(view, name, act);
  const r = state.rollout;
  if (state.missing || !r) {
    put(view, 'head', el('h1', {}, name), el('p', { class: 'muted' }, state.missing ? `rollout '${name}' not found` : 'Loading…'));
    return;
  }
  put(view, 'head',
    el('h1', {}, r.name, ' ', phaseBadge(r), el('span', { class: 'muted strategy' }, ` ${r.strategy} · ${stepText(r)} · ${r.stepState}`)),
    el('p', { 'data-testid': 'message' }, r.message),
    r.abortReason ? el('p', { class: 'abort', 'data-testid': 'abort-reason' }, (r.cancelled ? 'Cancelled: ' : 'Aborted: ') + r.abortReason) : null,
    r.paused && r.pauseReason ? el('p', { class: 'paused' }, 'Paused: ' + r.pauseReason) : null,
    r.gateMessage ? el('p', { class: 'paused' }, 'Gate: ' + r.gateMessage) : null,
    r.notStored ? el('p', { class: 'abort' }, 'Status not stored: ' + r.notStored) : null);
  put(view, 'traffic', el('h2', {}, 'Traffic'), splitBar(r),
    el('div', { class: 'versions' }, r.versions.map(v => el('span', { class: `key ${v.role}` }, `${v.version} r${v.revision}: ${v.readyReplicas}/${v.desiredReplicas} replicas ready`))));
  put(view, 'pipeline', el('h2', {}, 'Steps'), el('ol', { class: 'pipeline' }, r.steps.map(s => {
    const where = r.phase === 'Healthy' || s.index < r.stepIndex ? 'done' : s.index === r.stepIndex ? 'current' : 'next';
    const cls = `${where}${where === 'current' && (r.phase === 'Aborted' || r.phase === 'Degraded') ? ' failed' : ''}`;
    return el('li', { class: cls, 'data-step': s.index + 1 },
      el('strong', {}, s.final ? 'full promotion' : `${s.index + 1}. ${s.trafficText ?? s.traffic + '%'}`),
      el('div', {}, `${s.replicas} canary replica${s.replicas === 1 ? '' : 's'}`),
      s.matches ? el('div', {}, `${s.matches} test-user match${s.matches === 1 ? '' : 'es'}`) : null,
      s.mirror ? el('div', {}, `mirror ${s.mirror}%`) : null,
      s.pause ? el('div', { class: 'pause' }, s.pause === 'manual' ? 'pause: waits for promote' : `pause ${s.pause}`) : null,
      where === 'current' ? el('div', { class: 'state' }, r.stepState) : null);
  })));
  const a = state.answer;
  put(view, 'answer', a ? el('p', { class: a.pending ? 'pending' : a.ok ? 'ok' : 'refused' },
    el('strong', {}, a.op + ': '), a.pending ? a.message : `${a.ok ? 'done' : `refused (${a.status})`}: ${a.message}`) : []);
  put(view, 'charts', charts);
  put(view, 'checks', el('h2', {}, 'Analysis'), r.checks.length === 0 ? el('p', { class: 'muted' }, 'No measurements yet.') :
    el('table', {}, el('thead', {}, el('tr', {}, ['Check', 'Kind', 'Verdict', 'Evidence', 'Measured', 'Failures'].map(h => el('th', {}, h)))),
      el('tbody', {}, r.checks.map(c => el('tr', { 'data-check': c.name },
        el('td', {}, c.name), el('td', {}, c.kind),
        el('td', {}, el('span', { class: `verdict ${(c.verdict ?? 'none').toLowerCase()}` }, c.verdict ?? '–')),
        el('td', { class: 'evidence' }, c.evidence ?? ''), el('td', {}, time(c.measuredAt)), el('td', {}, `${c.failures} of ${c.measurements}`))))));
  put(view, 'history', el('h2', {}, 'Decisions'), el('table', {}, el('tbody', {}, [...state.history.events].reverse().map(e =>
    el('tr', { class: e.type === 'Warning' ? 'warning' : '' }, el('td', {}, stamp(e.at)), el('td', {}, e.reason), el('td', {}, e.message))))));
  put(view, 'revisions', el('h2', {}, 'Revisions'), el('table', {}, el('thead', {}, el('tr', {}, ['Revision', 'Version', 'Created', 'Role'].map(h => el('th', {}, h)))),
    el('tbody', {}, state.history.revisions.map(v => el('tr', {}, el('td', {}, v.number), el('td', {}, v.version), el('td', {}, stamp(v.createdAt)), el('td', {}, v.role))))));
  sizeBars(view);
}
