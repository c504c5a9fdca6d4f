// The flow graph panel: tasks and parameters laid out left to right (layout comes from the
// host), coloured by cache state, with live run states, pan/zoom, fit, a context menu and SVG
// export. Zoom and selection survive updates and reloads (setState).
import './graph.css';
import '../common/cspReport';
import type { GraphViewEdge, GraphViewModel, GraphViewNode } from '../../flows/graphView';
import type { LiveState } from '../../flows/runEvents';
import { formatDuration, LEGEND_ORDER, RUN_STATE, STATUS, type Status } from '../../flows/status';
import { clear, h, icon } from '../common/dom';
import { vscodeApi } from '../common/vscodeApi';
import { IpcPeer } from '../ipc';
import {
  ExportSvg,
  GraphError,
  type GraphUiState,
  Invalidate,
  OpenDashboard,
  OpenTraceback,
  Preview,
  Ready,
  Rerun,
  Reveal,
  RunFlow,
  SaveState,
  ShowGraph,
} from './protocol';

const SVG_NS = 'http://www.w3.org/2000/svg';
const api = vscodeApi<GraphUiState>();
// The host checks what it receives; this side trusts its host.
const peer = new IpcPeer((m) => api.postMessage(m), { validate: false });
let state: GraphUiState = api.getState() ?? {};
let model: GraphViewModel | null = null;
let view = state.view ?? null;

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
  peer.sendNotification(SaveState, state);
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
const overview = svg('svg', { class: 'overview', role: 'img', 'aria-label': 'Overview: click to pan' });
overview.addEventListener('mousedown', (ev) => {
  ev.stopPropagation();
  panToOverview(ev);
});
stage.append(root, overview, menu);

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
  drawOverview();
}

/** Re-fit when the panel resizes, until the user pans or zooms (then their view is kept). */
let autoFit = state.view === undefined || state.autoFit === true;

/**
 * Labels are drawn at the theme's font size at scale 1, so fitting never zooms out below it: a
 * graph wider than the panel is shown from its start and panned (the overview shows where).
 */
const MIN_FIT_SCALE = 1;
const MIN_ZOOM = 0.5;
const MARGIN = 12;

function fitToView(): void {
  if (!model) return;
  autoFit = true;
  const w = stage.clientWidth || 800;
  const hgt = stage.clientHeight || 500;
  const fit = Math.min(w / (model.width + 2 * MARGIN), hgt / (model.height + 2 * MARGIN));
  const k = Math.min(1.25, Math.max(MIN_FIT_SCALE, fit));
  const x = model.width * k + 2 * MARGIN <= w ? (w - model.width * k) / 2 : MARGIN;
  const y = model.height * k + 2 * MARGIN <= hgt ? (hgt - model.height * k) / 2 : MARGIN;
  view = { k, x, y };
  applyView();
  save({ view, autoFit: true });
}

function zoomAt(factor: number, cx: number, cy: number): void {
  if (!view) return;
  autoFit = false;
  const k = Math.min(4, Math.max(MIN_ZOOM, view.k * factor));
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

/** What a run did to a node, in words: "ran in 2.1 s", "loaded from cache", "failed after 3 s". */
function runText(live: NonNullable<GraphViewNode['live']>): string {
  const info = RUN_STATE[live.state];
  const took = live.durationMs !== undefined ? formatDuration(live.durationMs) : null;
  if (live.state === 'Success') return took ? `ran in ${took}` : info.label;
  if (live.state === 'Failed') return took ? `failed after ${took}` : info.label;
  return info.label;
}

function nodeTooltip(n: GraphViewNode): string {
  const lines = [n.label, `cache: ${n.statusLabel}`];
  if (n.staleReason) lines.push(`stale: ${n.staleReason}`);
  if (n.live) {
    lines.push(`last run: ${runText(n.live)}${n.live.message ? ` — ${n.live.message}` : ''}`);
    if (n.live.mapped)
      lines.push(
        `mapped children: ${Object.entries(n.live.mapped)
          .map(([s, c]) => `${c} ${RUN_STATE[s as LiveState]?.label ?? s}`)
          .join(', ')}`,
      );
    if (n.live.exception) lines.push(`exception: ${n.live.exception}`);
  }
  lines.push('click: go to code · double-click: preview · right-click: actions');
  return lines.join('\n');
}

/** Characters that fit in `width` px at the theme's font size (~7.4 px a character at 13 px). */
function truncate(s: string, width: number): string {
  const max = Math.max(6, Math.floor((width - 20) / 7.4));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The pill's text: the duration when there is one, else a short name. */
function runShort(live: NonNullable<GraphViewNode['live']>): string {
  if ((live.state === 'Success' || live.state === 'Failed') && live.durationMs !== undefined)
    return formatDuration(live.durationMs);
  return live.state === 'Cached' ? 'from cache' : RUN_STATE[live.state].label;
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
  item('Go to code', () => peer.sendNotification(Reveal, { node: n.id }));
  item('Preview', () => peer.sendNotification(Preview, { node: n.id }), !!n.previewKey);
  // Disabled where the host would refuse (untrusted workspace, read-only store): taskActions.ts.
  const trusted = model?.trusted ?? false;
  item(
    'Invalidate',
    () => peer.sendNotification(Invalidate, { node: n.id, downstream: false }),
    task && n.canInvalidate,
  );
  item(
    'Invalidate with downstream…',
    () => peer.sendNotification(Invalidate, { node: n.id, downstream: true }),
    task && trusted,
  );
  item(
    'Rerun',
    () => peer.sendNotification(Rerun, { node: n.id, downstream: false }),
    task && n.canRerun && !model?.running,
  );
  item(
    'Rerun with downstream',
    () => peer.sendNotification(Rerun, { node: n.id, downstream: true }),
    task && trusted && !model?.running,
  );
  if (n.live?.traceback) item('Show traceback', () => peer.sendNotification(OpenTraceback, { node: n.id }));
  const rect = stage.getBoundingClientRect();
  menu.style.display = 'flex';
  menu.style.left = `${Math.min(x - rect.left, rect.width - 220)}px`;
  menu.style.top = `${Math.min(y - rect.top, rect.height - 200)}px`;
  (menu.querySelector('button:not([disabled])') as HTMLButtonElement | null)?.focus();
}

function hideMenu(): void {
  menu.style.display = 'none';
}

function edgeElement(e: GraphViewEdge): SVGPathElement {
  const p = svg('path', {
    d: edgePath(e.points),
    class: `edge ${e.kind}${e.mapped ? ' mapped' : ''}`,
    'marker-end': `url(#arrow-${e.kind})`,
  });
  p.append(svg('title', {}, e.tooltip));
  return p;
}

/**
 * The run mark: a labelled pill in the top-right corner (the cache state is the left stripe and
 * the third line), so "loaded from cache" never reads as the cache state "cached".
 */
function runMark(
  n: GraphViewNode,
  live: NonNullable<GraphViewNode['live']>,
  x: number,
  y: number,
): SVGGElement {
  const text = `${RUN_STATE[live.state].glyph} ${runShort(live)}`;
  const pillWidth = Math.round(text.length * 6.6 + 12);
  // On the top border, like a badge: the title keeps its full width.
  const px = x + n.width - pillWidth - 6;
  const mark = svg('g', { class: `run-mark live-${live.state}` });
  mark.append(svg('rect', { x: px, y: y - 10, width: pillWidth, height: 16, rx: 8, class: 'pill' }));
  mark.append(svg('text', { x: px + pillWidth / 2, y: y + 2, class: 'pill-text' }, text));
  mark.append(svg('title', {}, `last run: ${runText(live)}${live.exception ? `: ${live.exception}` : ''}`));
  return mark;
}

/** The box, its cache-state stripe, the run mark and the lines of text of one node. */
function nodeContent(g: SVGGElement, n: GraphViewNode): void {
  const x = n.x - n.width / 2;
  const y = n.y - n.height / 2;
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
  g.append(svg('rect', { x, y, width: 6, height: n.height, class: 'stripe' }));
  if (n.live) g.append(runMark(n, n.live, x, y));
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
        { x: x + 12, y: y + 47, class: 'state' },
        truncate(STATUS[n.status as Status].label, n.width),
      ),
    );
  }
}

/** Click: go to code; double-click: preview; right-click, the menu key or Shift+F10: the menu. */
function bindNodeEvents(g: SVGGElement, n: GraphViewNode): void {
  g.addEventListener('click', (ev) => {
    ev.stopPropagation();
    select(n.id);
    peer.sendNotification(Reveal, { node: n.id });
  });
  g.addEventListener('dblclick', (ev) => {
    ev.stopPropagation();
    if (n.previewKey) peer.sendNotification(Preview, { node: n.id });
  });
  g.addEventListener('contextmenu', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    select(n.id);
    showMenu(n, ev.clientX, ev.clientY);
  });
  g.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') peer.sendNotification(Reveal, { node: n.id });
    if (ev.key === 'ContextMenu' || (ev.shiftKey && ev.key === 'F10')) {
      const r = g.getBoundingClientRect();
      showMenu(n, r.left + 10, r.bottom);
    }
  });
}

function nodeElement(n: GraphViewNode): SVGGElement {
  const g = svg('g', {
    class: `node ${n.kind} status-${n.status}${n.live ? ` live-${n.live.state}` : ''}${state.selected === n.id ? ' selected' : ''}`,
    'data-id': n.id,
    tabindex: 0,
    role: 'button',
    'aria-label': `${n.label}: ${n.statusLabel}${n.live ? `, run state ${n.live.state}` : ''}`,
  });
  nodeContent(g, n);
  bindNodeEvents(g, n);
  return g;
}

function draw(m: GraphViewModel): void {
  clear(world);
  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  world.append(edgeLayer, nodeLayer);
  for (const e of m.edges) edgeLayer.append(edgeElement(e));
  for (const n of m.nodes) nodeLayer.append(nodeElement(n));
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
    m.executor ? h('span', { class: 'muted executor' }, m.executor.label) : h('span'),
    m.executor?.dashboard
      ? button(
          'Dashboard',
          'dashboard',
          () => peer.sendNotification(OpenDashboard, {}),
          'Open the Dask dashboard in VS Code',
        )
      : h('span'),
    h('span', { class: 'spacer' }),
    button('Fit', 'screen-full', fitToView, 'Fit the graph to the panel'),
    button('', 'zoom-in', () => zoomAt(1.25, w(), hh()), 'Zoom in'),
    button('', 'zoom-out', () => zoomAt(0.8, w(), hh()), 'Zoom out'),
    button('Run Flow', 'play', () => peer.sendNotification(RunFlow, {}), 'Run this flow'),
    button('Export SVG', 'export', exportSvg, 'Save the graph as an SVG file'),
  );
}

/** One row: the cache states and run states this graph shows, then the edge kinds. */
function renderLegend(m: GraphViewModel): void {
  clear(legend);
  const present = new Set(m.nodes.map((n) => n.status));
  legend.append(h('span', { class: 'sep' }, 'cache:'));
  for (const s of LEGEND_ORDER.filter((x) => present.has(x))) {
    legend.append(h('span', { class: `key status-${s}` }, h('span', { class: 'swatch' }), STATUS[s].label));
  }
  const runs = new Set(m.nodes.flatMap((n) => (n.live ? [n.live.state] : [])));
  if (runs.size) {
    legend.append(h('span', { class: 'sep' }, 'last run:'));
    for (const s of Object.keys(RUN_STATE) as LiveState[]) {
      if (!runs.has(s)) continue;
      legend.append(
        h(
          'span',
          { class: `key live-${s}` },
          h('span', { class: 'pill-key' }, RUN_STATE[s].glyph),
          RUN_STATE[s].label,
        ),
      );
    }
  }
  legend.append(
    h('span', { class: 'sep' }, 'edges:'),
    h('span', { class: 'key' }, '— data'),
    h('span', { class: 'key' }, '┄ upstream'),
  );
}

/** A small overview of the whole graph with the visible part framed, when it does not fit. */
function drawOverview(): void {
  if (!model || !view) return;
  const w = stage.clientWidth;
  const hgt = stage.clientHeight;
  const fits =
    view.x >= -1 &&
    view.y >= -1 &&
    view.x + model.width * view.k <= w + 1 &&
    view.y + model.height * view.k <= hgt + 1;
  overview.style.display = fits ? 'none' : 'block';
  if (fits) return;
  const scale = Math.min(180 / model.width, 110 / model.height);
  overview.setAttribute('width', String(Math.ceil(model.width * scale)));
  overview.setAttribute('height', String(Math.ceil(model.height * scale)));
  while (overview.firstChild) overview.firstChild.remove();
  for (const n of model.nodes) {
    overview.append(
      svg('rect', {
        x: (n.x - n.width / 2) * scale,
        y: (n.y - n.height / 2) * scale,
        width: Math.max(2, n.width * scale),
        height: Math.max(2, n.height * scale),
        class: `ov-node status-${n.status}`,
      }),
    );
  }
  overview.append(
    svg('rect', {
      x: (-view.x / view.k) * scale,
      y: (-view.y / view.k) * scale,
      width: (w / view.k) * scale,
      height: (hgt / view.k) * scale,
      class: 'ov-view',
    }),
  );
  overviewScale = scale;
}

let overviewScale = 1;

/** Centres the view on the overview point clicked. */
function panToOverview(ev: MouseEvent): void {
  if (!view || !model) return;
  const r = overview.getBoundingClientRect();
  const gx = (ev.clientX - r.left) / overviewScale;
  const gy = (ev.clientY - r.top) / overviewScale;
  autoFit = false;
  view = { ...view, x: stage.clientWidth / 2 - gx * view.k, y: stage.clientHeight / 2 - gy * view.k };
  applyView();
  save({ view, autoFit: false });
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
  peer.sendNotification(ExportSvg, {
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

peer.onNotification(GraphError, ({ message }) => {
  clear(app);
  app.append(h('div', { class: 'error-box', role: 'alert' }, icon('error'), ` ${message}`));
});
peer.onNotification(ShowGraph, (payload) => {
  const first = model === null;
  model = payload.model;
  if (first) {
    clear(app);
    app.append(toolbar, stage, legend);
    state = { ...(payload.state ?? {}), ...state };
    if (state.selected === undefined) state.selected = payload.state?.selected ?? null;
    view = state.view ?? null;
  }
  renderToolbar(model);
  renderLegend(model);
  draw(model);
  if (!view || autoFit) fitToView();
  else applyView();
  if (payload.state?.selected && first) select(payload.state.selected);
});
window.addEventListener('message', (ev: MessageEvent<unknown>) => void peer.receive(ev.data));

new ResizeObserver(() => {
  if (model && autoFit) fitToView();
}).observe(stage);
peer.sendNotification(Ready, state);
