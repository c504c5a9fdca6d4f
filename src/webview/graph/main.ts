// The flow graph panel: tasks and parameters laid out left to right (layout comes from the
// host), coloured by cache state, with live run states, pan/zoom, fit, a context menu and SVG
// export. Zoom and selection survive updates and reloads (setState).
import './graph.css';
import type { GraphViewModel, GraphViewNode } from '../../flows/graphView';
import { clear, h, icon } from '../common/dom';
import { send } from '../common/rpc';
import { vscodeApi } from '../common/vscodeApi';
import type { GraphUiState, HostToGraph } from './protocol';

const SVG_NS = 'http://www.w3.org/2000/svg';
const api = vscodeApi<GraphUiState>();
let state: GraphUiState = api.getState() ?? {};
let model: GraphViewModel | null = null;
let view = state.view ?? null;

const STATUS_TEXT: Record<string, string> = {
  cached: 'cached',
  stale: 'stale',
  'not-cached': 'not cached',
  runtime: 'depends on run time',
  'sidecar-without-data': 'sidecar without data',
  broken: 'broken sidecar',
  error: 'target fails',
  'no-target': 'no target',
  'no-store': 'no xpersist store',
  'store-not-scanned': 'checking…',
  parameter: 'parameter',
};
const LIVE = ['Pending', 'Running', 'Success', 'Cached', 'Failed'];

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

function save(patch: Partial<GraphUiState>): void {
  state = { ...state, ...patch };
  api.setState(state);
  send('saveState', state as Record<string, unknown>);
}

const app = document.getElementById('app') as HTMLElement;
const toolbar = h('div', { class: 'toolbar', role: 'toolbar' });
const stage = h('div', { class: 'stage', tabIndex: 0, attrs: { 'aria-label': 'Flow graph' } });
const legend = h('div', { class: 'legend' });
const menu = h('div', { class: 'menu', role: 'menu', style: { display: 'none' } });
const root = svg('svg', { class: 'graph', role: 'img' });
const defs = svg('defs');
const world = svg('g', { class: 'world' });
root.append(defs, world);
stage.append(root, menu);

function arrowMarker(id: string, cls: string): SVGMarkerElement {
  const m = svg('marker', {
    id,
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  m.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: cls }));
  return m;
}
defs.append(arrowMarker('arrow-data', 'arrow data'), arrowMarker('arrow-upstream', 'arrow upstream'));

function applyView(): void {
  if (!view) return;
  world.setAttribute('transform', `translate(${view.x} ${view.y}) scale(${view.k})`);
}

/** Re-fit when the panel resizes, until the user pans or zooms (then their view is kept). */
let autoFit = state.view === undefined || state.autoFit === true;

function fitToView(): void {
  if (!model) return;
  autoFit = true;
  const w = stage.clientWidth || 800;
  const hgt = stage.clientHeight || 500;
  const k = Math.min(2, Math.max(0.05, Math.min(w / (model.width + 40), hgt / (model.height + 40))));
  view = { k, x: (w - model.width * k) / 2, y: (hgt - model.height * k) / 2 };
  applyView();
  save({ view, autoFit: true });
}

function zoomAt(factor: number, cx: number, cy: number): void {
  if (!view) return;
  autoFit = false;
  const k = Math.min(4, Math.max(0.05, view.k * factor));
  const f = k / view.k;
  view = { k, x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f };
  applyView();
  save({ view, autoFit: false });
}

function edgePath(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  let d = `M ${points[0].x} ${points[0].y}`;
  if (points.length === 2) return `${d} L ${points[1].x} ${points[1].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    const mid = i === points.length - 2 ? next : { x: (p.x + next.x) / 2, y: (p.y + next.y) / 2 };
    d += ` Q ${p.x} ${p.y} ${mid.x} ${mid.y}`;
  }
  return d;
}

function nodeTooltip(n: GraphViewNode): string {
  const lines = [`${n.label} (${n.id})`, `state: ${n.statusLabel}`];
  if (n.target) lines.push(`target: ${n.target}`);
  if (n.staleReason) lines.push(`stale: ${n.staleReason}`);
  if (n.live) {
    lines.push(`run: ${n.live.state}${n.live.message ? ` — ${n.live.message}` : ''}`);
    if (n.live.mapped)
      lines.push(
        `mapped children: ${Object.entries(n.live.mapped)
          .map(([s, c]) => `${c} ${s}`)
          .join(', ')}`,
      );
    if (n.live.exception) lines.push(`exception: ${n.live.exception}`);
  }
  lines.push('click: go to code · double-click: preview · right-click: actions');
  return lines.join('\n');
}

function truncate(s: string, width: number): string {
  const max = Math.max(6, Math.floor((width - 24) / 6.6));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function select(id: string | null): void {
  save({ selected: id });
  for (const el of world.querySelectorAll('.node'))
    el.classList.toggle('selected', el.getAttribute('data-id') === id);
}

function showMenu(n: GraphViewNode, x: number, y: number): void {
  clear(menu);
  const item = (label: string, fn: () => void, enabled = true) => {
    const b = h(
      'button',
      {
        class: 'menu-item',
        role: 'menuitem',
        on: {
          click: () => {
            hideMenu();
            fn();
          },
        },
      },
      label,
    );
    b.disabled = !enabled;
    menu.append(b);
  };
  const task = n.kind === 'task';
  item('Go to code', () => send('reveal', { node: n.id }));
  item('Preview', () => send('preview', { node: n.id }), !!n.previewKey);
  item('Invalidate', () => send('invalidate', { node: n.id, downstream: false }), task && !!n.storeRoot);
  item('Invalidate with downstream…', () => send('invalidate', { node: n.id, downstream: true }), task);
  item('Rerun', () => send('rerun', { node: n.id, downstream: false }), task && !model?.running);
  item(
    'Rerun with downstream',
    () => send('rerun', { node: n.id, downstream: true }),
    task && !model?.running,
  );
  if (n.live?.traceback) item('Show traceback', () => send('openTraceback', { node: n.id }));
  const rect = stage.getBoundingClientRect();
  menu.style.display = 'flex';
  menu.style.left = `${Math.min(x - rect.left, rect.width - 220)}px`;
  menu.style.top = `${Math.min(y - rect.top, rect.height - 200)}px`;
  (menu.querySelector('button:not([disabled])') as HTMLButtonElement | null)?.focus();
}

function hideMenu(): void {
  menu.style.display = 'none';
}

function draw(m: GraphViewModel): void {
  clear(world);
  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  world.append(edgeLayer, nodeLayer);
  for (const e of m.edges) {
    const p = svg('path', {
      d: edgePath(e.points),
      class: `edge ${e.kind}${e.mapped ? ' mapped' : ''}`,
      'marker-end': `url(#arrow-${e.kind})`,
    });
    p.append(
      svg(
        'title',
        {},
        `${e.from} → ${e.to} (${e.kind === 'data' ? 'data' : 'upstream_tasks'}${e.mapped ? ', mapped' : ''})`,
      ),
    );
    edgeLayer.append(p);
  }
  for (const n of m.nodes) {
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    const g = svg('g', {
      class: `node ${n.kind} status-${n.status}${n.live ? ` live-${n.live.state}` : ''}${state.selected === n.id ? ' selected' : ''}`,
      'data-id': n.id,
      tabindex: 0,
      role: 'button',
      'aria-label': `${n.label}: ${n.statusLabel}${n.live ? `, run state ${n.live.state}` : ''}`,
    });
    g.append(svg('title', {}, nodeTooltip(n)));
    if (n.mapped)
      g.append(svg('rect', { x: x + 4, y: y + 4, width: n.width, height: n.height, rx: 6, class: 'shadow' }));
    g.append(
      svg('rect', {
        x,
        y,
        width: n.width,
        height: n.height,
        rx: n.kind === 'parameter' ? n.height / 2 : 6,
        class: 'box',
      }),
    );
    g.append(svg('rect', { x, y, width: 5, height: n.height, class: 'stripe' }));
    g.append(
      svg(
        'text',
        { x: x + 12, y: y + 17, class: 'title' },
        truncate(n.label + (n.mapped ? ' (mapped)' : ''), n.width),
      ),
    );
    if (n.kind === 'task') {
      g.append(svg('text', { x: x + 12, y: y + 32, class: 'target' }, truncate(n.target ?? '—', n.width)));
      g.append(
        svg(
          'text',
          { x: x + 12, y: y + 45, class: 'state' },
          truncate(STATUS_TEXT[n.status] ?? n.status, n.width),
        ),
      );
    }
    if (n.live) {
      const badge = svg('g', { class: `badge live-${n.live.state}` });
      badge.append(svg('circle', { cx: x + n.width - 10, cy: y + 10, r: 6 }));
      badge.append(svg('title', {}, `${n.live.state}${n.live.exception ? `: ${n.live.exception}` : ''}`));
      g.append(badge);
    }
    g.addEventListener('click', (ev) => {
      ev.stopPropagation();
      select(n.id);
      send('reveal', { node: n.id });
    });
    g.addEventListener('dblclick', (ev) => {
      ev.stopPropagation();
      if (n.previewKey) send('preview', { node: n.id });
    });
    g.addEventListener('contextmenu', (ev) => {
      ev.preventDefault();
      ev.stopPropagation();
      select(n.id);
      showMenu(n, ev.clientX, ev.clientY);
    });
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') send('reveal', { node: n.id });
      if (ev.key === 'ContextMenu' || (ev.shiftKey && ev.key === 'F10')) {
        const r = g.getBoundingClientRect();
        showMenu(n, r.left + 10, r.bottom);
      }
    });
    nodeLayer.append(g);
  }
  root.setAttribute('aria-label', `Flow ${m.flow ?? ''}: ${m.nodes.length} nodes, ${m.edges.length} edges`);
}

function renderToolbar(m: GraphViewModel): void {
  clear(toolbar);
  const summary = m.runSummary
    ? h(
        'span',
        { class: `run-summary${m.running ? ' running' : ''}`, attrs: { 'aria-live': 'polite' } },
        m.runSummary,
      )
    : h('span');
  const button = (label: string, ico: string, fn: () => void, title: string) =>
    h('button', { class: 'tool', title, on: { click: fn } }, icon(ico), ` ${label}`);
  const w = () => stage.clientWidth / 2;
  const hh = () => stage.clientHeight / 2;
  toolbar.append(
    h('strong', { class: 'flow-name' }, m.flow ?? '(unnamed flow)'),
    h(
      'span',
      { class: 'muted' },
      `${m.nodes.length} nodes · targets as of ${m.evaluatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    ),
    summary,
    h('span', { class: 'spacer' }),
    button('Fit', 'screen-full', fitToView, 'Fit the graph to the panel'),
    button('', 'zoom-in', () => zoomAt(1.25, w(), hh()), 'Zoom in'),
    button('', 'zoom-out', () => zoomAt(0.8, w(), hh()), 'Zoom out'),
    button('Run Flow', 'play', () => send('runFlow'), 'Run this flow'),
    button('Export SVG', 'export', exportSvg, 'Save the graph as an SVG file'),
  );
}

function renderLegend(): void {
  clear(legend);
  for (const s of [
    'cached',
    'not-cached',
    'runtime',
    'stale',
    'sidecar-without-data',
    'broken',
    'no-target',
  ]) {
    legend.append(h('span', { class: `key status-${s}` }, h('span', { class: 'swatch' }), STATUS_TEXT[s]));
  }
  legend.append(h('span', { class: 'sep' }, 'run:'));
  for (const s of LIVE) legend.append(h('span', { class: `key live-${s}` }, h('span', { class: 'dot' }), s));
  legend.append(
    h('span', { class: 'sep' }, 'edges:'),
    h('span', { class: 'key' }, '— data'),
    h('span', { class: 'key' }, '┄ upstream'),
  );
}

/** A standalone SVG: theme colours resolved to values (CSS variables do not travel). */
function exportSvg(): void {
  if (!model) return;
  const clone = root.cloneNode(true) as SVGSVGElement;
  const originals = root.querySelectorAll('*');
  const copies = clone.querySelectorAll('*');
  originals.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const c = copies[i] as SVGElement;
    for (const p of [
      'fill',
      'stroke',
      'stroke-width',
      'stroke-dasharray',
      'font-size',
      'font-weight',
      'font-family',
      'opacity',
    ]) {
      c.style.setProperty(p, cs.getPropertyValue(p));
    }
  });
  const world2 = clone.querySelector('.world');
  world2?.setAttribute('transform', 'translate(0 0) scale(1)');
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(model.width));
  clone.setAttribute('height', String(model.height));
  clone.setAttribute('viewBox', `0 0 ${model.width} ${model.height}`);
  clone.style.background = getComputedStyle(document.body).backgroundColor;
  send('exportSvg', {
    svg: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`,
  });
}

// Pan with the mouse, zoom with the wheel.
let drag: { x: number; y: number; vx: number; vy: number } | null = null;
stage.addEventListener('mousedown', (ev) => {
  if (ev.button !== 0 || (ev.target as Element).closest('.node, .menu')) return;
  hideMenu();
  drag = { x: ev.clientX, y: ev.clientY, vx: view?.x ?? 0, vy: view?.y ?? 0 };
  stage.classList.add('panning');
});
window.addEventListener('mousemove', (ev) => {
  if (!drag || !view) return;
  autoFit = false;
  view = { ...view, x: drag.vx + ev.clientX - drag.x, y: drag.vy + ev.clientY - drag.y };
  applyView();
});
window.addEventListener('mouseup', () => {
  if (drag && view) save({ view, autoFit });
  drag = null;
  stage.classList.remove('panning');
});
stage.addEventListener(
  'wheel',
  (ev) => {
    ev.preventDefault();
    const r = stage.getBoundingClientRect();
    zoomAt(ev.deltaY < 0 ? 1.1 : 1 / 1.1, ev.clientX - r.left, ev.clientY - r.top);
  },
  { passive: false },
);
stage.addEventListener('click', () => {
  hideMenu();
});
window.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape') hideMenu();
});

window.addEventListener('message', (ev: MessageEvent<HostToGraph>) => {
  const msg = ev.data;
  if (msg.type === 'graphError') {
    clear(app);
    app.append(h('div', { class: 'error-box', role: 'alert' }, icon('error'), ` ${msg.payload.message}`));
    return;
  }
  if (msg.type !== 'graph') return;
  const first = model === null;
  model = msg.payload.model;
  if (first) {
    clear(app);
    app.append(toolbar, stage, legend);
    renderLegend();
    state = { ...(msg.payload.state ?? {}), ...state };
    if (state.selected === undefined) state.selected = msg.payload.state?.selected ?? null;
    view = state.view ?? null;
  }
  renderToolbar(model);
  draw(model);
  if (!view || autoFit) fitToView();
  else applyView();
  if (msg.payload.state?.selected && first) select(msg.payload.state.selected);
});

new ResizeObserver(() => {
  if (model && autoFit) fitToView();
}).observe(stage);
send('ready', state as Record<string, unknown>);
