// Hand-made SVG charts: a time axis, lines per series (a null value breaks a line), horizontal reference lines
// (e.g. the SPRT's bounds) and point markers. No library, nothing loaded from elsewhere.
const NS = 'http://www.w3.org/2000/svg';
const W = 560, H = 190, L = 62, R = 14, T = 14, B = 24;

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

const clock = t => new Date(t).toLocaleTimeString([], { hour12: false });

function niceTicks(lo, hi, count = 4) {
  const span = hi - lo || 1;
  const raw = span / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(m => m >= raw) ?? raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

/**
 * @param {object} o
 * @param {string} o.id        data-chart attribute (tests and styles find the chart by it)
 * @param {Array<{name:string, cls:string, points:Array<{t:number, v:number|null}>}>} o.series
 * @param {Array<{y:number, label:string, cls:string}>} [o.lines]
 * @param {Array<{t:number, v:number, cls:string, title:string}>} [o.markers]
 */
export function lineChart({ id, title, unit = '', series, lines = [], markers = [], yMin, yMax, format = v => v.toFixed(1) }) {
  const all = series.flatMap(x => x.points).filter(p => p.v !== null && Number.isFinite(p.v));
  const ts = series.flatMap(x => x.points).map(p => p.t);
  let t0 = Math.min(...ts), t1 = Math.max(...ts);
  if (!Number.isFinite(t0)) { t1 = Date.now(); t0 = t1 - 60_000; }
  if (t1 - t0 < 10_000) t0 = t1 - 10_000;
  const ys = all.map(p => p.v).concat(lines.map(l => l.y));
  let lo = yMin ?? Math.min(...ys), hi = yMax ?? Math.max(...ys);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { hi += 1; lo -= yMin === undefined ? 1 : 0; }
  if (yMax === undefined) hi += (hi - lo) * 0.08;
  if (yMin === undefined) lo -= (hi - lo) * 0.04;
  const x = t => L + (t - t0) / (t1 - t0) * (W - L - R);
  const y = v => T + (hi - Math.min(hi, Math.max(lo, v))) / (hi - lo) * (H - T - B);

  const root = s('svg', { viewBox: `0 0 ${W} ${H}`, 'data-chart': id, 'data-points': all.length, role: 'img', 'aria-label': title, class: 'chart' });
  const grid = s('g', { class: 'grid' });
  for (const v of niceTicks(lo, hi)) {
    grid.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
    const label = s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' });
    label.textContent = format(v) + unit;
    grid.append(label);
  }
  for (const [t, anchor] of [[t0, 'start'], [t1, 'end']]) {
    const label = s('text', { x: x(t), y: H - 6, 'text-anchor': anchor });
    label.textContent = clock(t);
    grid.append(label);
  }
  root.append(grid);
  for (const l of lines) {
    const g = s('g', { class: `ref ${l.cls}`, 'data-y': l.y });
    g.append(s('line', { x1: L, x2: W - R, y1: y(l.y), y2: y(l.y) }));
    const label = s('text', { x: W - R - 4, y: y(l.y) - 4, 'text-anchor': 'end' });
    label.textContent = l.label;
    g.append(label);
    root.append(g);
  }
  for (const x0 of series) {
    let path = '', run = [];
    const endRun = () => { // a lone point between gaps is drawn as a dot, since a line needs two
      if (run.length === 1) root.append(s('circle', { cx: run[0][0], cy: run[0][1], r: 2.5, class: `lone ${x0.cls}` }));
      run = [];
    };
    for (const p of x0.points) {
      if (p.v === null || !Number.isFinite(p.v)) { endRun(); continue; }
      const at = [x(p.t).toFixed(1), y(p.v).toFixed(1)];
      path += `${run.length ? 'L' : 'M'}${at[0]},${at[1]} `;
      run.push(at);
    }
    endRun();
    if (path) root.append(s('path', { d: path.trim(), class: `line ${x0.cls}`, 'data-series': x0.name }));
  }
  for (const m of markers) {
    const c = s('circle', { cx: x(m.t), cy: y(m.v), r: 5, class: `marker ${m.cls}` });
    const tip = s('title');
    tip.textContent = m.title;
    c.append(tip);
    root.append(c);
  }
  const legend = document.createElement('figcaption');
  const heading = document.createElement('strong');
  heading.textContent = title;
  legend.append(heading);
  for (const x0 of series) {
    const key = document.createElement('span');
    key.className = `key ${x0.cls}`;
    key.textContent = x0.name;
    legend.append(key);
  }
  const figure = document.createElement('figure');
  figure.append(legend, root);
  return figure;
}
