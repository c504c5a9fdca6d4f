// One selected variable: its metadata, then a line plot (1-D) or a heatmap of a 2-D slice with
// a slider per other dimension (N-D), the slice's statistics and a table of its values.

import { displayDtype } from '../../preview/cf/calendarTime';
import { type SliceStats, sliceStats } from '../../preview/dataset/sliceStats';
import type { DatasetModel, Value, Variable } from '../../preview/model';
import { clear, fmt, h, section } from '../common/dom';
import { peer } from './host';
import { renderLinePlot } from './linePlot';
import { type MapUiState, mapStateOf, renderMapWindow } from './mapView';
import { ReadValues } from './protocol';
import { timeCalendar } from './timeCalendar';

/** Values per request; the readers refuse more than 1,000,000. */
const MAX_CELLS = 1_000_000;
const MAX_LINE = 200_000;
const TABLE_ROWS = 60;
const TABLE_COLS = 24;

export interface VariableUiState {
  slice: Record<string, number>;
  axes: [string, string] | null;
  offsets: Record<string, number>;
  map?: MapUiState;
}

export interface VariableContext {
  model: DatasetModel;
  name: string;
  variable: Variable;
  state: VariableUiState;
  onState: (s: VariableUiState) => void;
  isOpen: (id: string, dflt: boolean) => boolean;
  onToggle: (id: string, open: boolean) => void;
}

const coordCache = new Map<string, Promise<Value[] | null>>();

/** Values of the 1-D coordinate named like a dimension, for axis and slider labels. */
export function coordValues(model: DatasetModel, dim: string): Promise<Value[] | null> {
  const c = model.coords[dim];
  if (c?.dims.length !== 1 || c.dims[0] !== dim || c.shape[0] > MAX_LINE) return Promise.resolve(null);
  let p = coordCache.get(dim);
  if (!p) {
    p = peer
      .sendRequest(ReadValues, { variable: dim, selection: {} })
      .then((r) => r.values)
      .catch(() => null);
    coordCache.set(dim, p);
  }
  return p;
}

export function resetCoordCache(): void {
  coordCache.clear();
}

function kvTable(obj: Record<string, unknown>): HTMLElement {
  const keys = Object.keys(obj);
  if (keys.length === 0) return h('p', { class: 'muted' }, '(none)');
  return h(
    'table',
    { class: 'kv' },
    h(
      'tbody',
      null,
      ...keys.map((k) =>
        h(
          'tr',
          null,
          h('th', null, k),
          h('td', null, typeof obj[k] === 'string' ? (obj[k] as string) : JSON.stringify(obj[k])),
        ),
      ),
    ),
  );
}

function statsLine(s: SliceStats): HTMLElement {
  return h(
    'div',
    { class: 'stats', role: 'status' },
    h('span', null, 'min ', h('b', null, fmt(s.min))),
    h('span', null, 'max ', h('b', null, fmt(s.max))),
    s.mean === null ? null : h('span', null, 'mean ', h('b', null, fmt(s.mean))),
    h('span', null, 'NaN ', h('b', { dataset: { testid: 'nan-count' } }, String(s.nanCount))),
    h('span', null, 'values ', h('b', null, s.count.toLocaleString('en-US'))),
  );
}

function valuesTable(
  values: Value[],
  rows: number,
  cols: number,
  rowLabels: string[],
  colLabels: string[],
): HTMLElement {
  const nr = Math.min(rows, TABLE_ROWS);
  const nc = Math.min(cols, TABLE_COLS);
  const head = h('tr', null, h('th', null, ''), ...colLabels.slice(0, nc).map((l) => h('th', null, l)));
  const body: HTMLElement[] = [];
  for (let r = 0; r < nr; r++) {
    const cells = [h('th', null, rowLabels[r] ?? String(r))];
    for (let c = 0; c < nc; c++) {
      const v = values[r * cols + c];
      cells.push(h('td', { class: v === null ? 'nan' : '' }, fmt(v)));
    }
    body.push(h('tr', null, ...cells));
  }
  const note =
    rows > nr || cols > nc
      ? h('p', { class: 'muted' }, `Showing ${nr} of ${rows} rows and ${nc} of ${cols} columns.`)
      : null;
  return h(
    'div',
    { class: 'values-table-wrap' },
    h('table', { class: 'values-table' }, h('thead', null, head), h('tbody', null, ...body)),
    note,
  );
}

function labelsFor(coord: Value[] | null, start: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => (coord ? fmt(coord[start + i]) : String(start + i)));
}

export function renderVariable(ctx: VariableContext): HTMLElement {
  const { name, variable: v } = ctx;
  const root = h('div', { class: 'variable', dataset: { variable: name } });
  const header = h(
    'div',
    { class: 'variable-header' },
    h('h2', null, name),
    h(
      'span',
      { class: 'muted' },
      `(${v.dims.join(', ')})  ${displayDtype(v)}  shape ${JSON.stringify(v.shape)}${v.chunks ? `  chunks ${JSON.stringify(v.chunks)}` : ''}`,
    ),
  );
  root.append(
    header,
    section('var-attrs', 'Attributes', kvTable(v.attrs), {
      open: ctx.isOpen('var-attrs', false),
      onToggle: ctx.onToggle,
      count: Object.keys(v.attrs).length,
    }),
    section('var-encoding', 'Encoding', kvTable(v.encoding), {
      open: ctx.isOpen('var-encoding', false),
      onToggle: ctx.onToggle,
      count: Object.keys(v.encoding).length,
    }),
  );
  const body = h('div', { class: 'variable-body' });
  root.append(body);
  if (v.dims.length === 0) void renderScalar(body, name);
  else if (v.dims.length === 1) void renderLine(body, ctx);
  else renderSlicer(body, ctx);
  return root;
}

async function renderScalar(body: HTMLElement, name: string): Promise<void> {
  try {
    const r = await peer.sendRequest(ReadValues, { variable: name, selection: {} });
    body.append(h('p', { class: 'scalar' }, 'value: ', h('b', null, fmt(r.values[0]))));
  } catch (err) {
    body.append(h('p', { class: 'error' }, (err as Error).message));
  }
}

async function renderLine(body: HTMLElement, ctx: VariableContext): Promise<void> {
  const { name, variable: v, model } = ctx;
  const dim = v.dims[0];
  const n = Math.min(v.shape[0], MAX_LINE);
  body.append(h('p', { class: 'muted loading' }, 'Reading values…'));
  try {
    const [r, x] = await Promise.all([
      peer.sendRequest(ReadValues, { variable: name, selection: { [dim]: [0, n] } }),
      name === dim ? Promise.resolve(null) : coordValues(model, dim),
    ]);
    clear(body);
    const xs = x ? x.slice(0, n) : null;
    body.append(
      renderLinePlot({
        name,
        y: r.values,
        x: xs,
        xLabel: xs ? dim : `${dim} (index)`,
        xCalendar: xs ? timeCalendar(model.coords[dim]) : null,
        yCalendar: timeCalendar(v),
      }),
    );
    if (v.shape[0] > n)
      body.append(
        h(
          'p',
          { class: 'muted' },
          `Showing the first ${n.toLocaleString('en-US')} of ${v.shape[0].toLocaleString('en-US')} values.`,
        ),
      );
    body.append(statsLine(sliceStats(r.values)));
    const labels = labelsFor(xs, 0, Math.min(n, TABLE_ROWS));
    body.append(valuesTable(r.values, Math.min(n, TABLE_ROWS), 1, labels, [name]));
  } catch (err) {
    clear(body);
    body.append(h('p', { class: 'error' }, (err as Error).message));
  }
}

/**
 * The series through one cell along each dimension not on the map (e.g. time at a lat/lon point),
 * each read as its own small selection, so only the chunks along that line are read.
 */
async function pointSeries(
  ctx: VariableContext,
  at: Record<string, number>,
  axes: [string, string],
  host: HTMLElement,
): Promise<void> {
  const v = ctx.variable;
  const others = v.dims.filter((d) => !axes.includes(d));
  const labels = await Promise.all(axes.map((d) => coordValues(ctx.model, d)));
  const where = axes.map((d, k) => `${d}=${labels[k] ? fmt(labels[k][at[d]]) : `[${at[d]}]`}`).join(', ');
  clear(host);
  if (others.length === 0) {
    host.append(h('p', { class: 'muted' }, `${where}: no other dimension to plot along.`));
    return;
  }
  for (const d of others) {
    const n = Math.min(v.shape[v.dims.indexOf(d)], MAX_LINE);
    const box = h(
      'div',
      { class: 'series-plot', dataset: { dim: d } },
      h('h3', null, `${ctx.name} along ${d} at ${where}`),
    );
    host.append(box);
    const selection: Record<string, number | [number, number]> = {};
    for (const x of v.dims) selection[x] = x === d ? [0, n] : (at[x] ?? 0);
    try {
      const [r, x] = await Promise.all([
        peer.sendRequest(ReadValues, { variable: ctx.name, selection }),
        coordValues(ctx.model, d),
      ]);
      box.append(
        renderLinePlot({
          name: ctx.name,
          y: r.values,
          x: x ? x.slice(0, n) : null,
          xLabel: x ? d : `${d} (index)`,
          xCalendar: x ? timeCalendar(ctx.model.coords[d]) : null,
          height: 220,
        }),
        statsLine(sliceStats(r.values)),
      );
    } catch (err) {
      box.append(h('p', { class: 'error' }, (err as Error).message));
    }
  }
  host.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

/** What the parts of one N-D slicer share: the variable, its elements, and the axes and map shown. */
interface Slicer {
  ctx: VariableContext;
  axes: [string, string];
  mapState: MapUiState;
  controls: HTMLElement;
  plot: HTMLElement;
  /** Bumped by each draw, so a slower earlier read does not overwrite a later one. */
  generation: number;
}

/** The part of the slice shown: rows `r0`… and columns `c0`… of a `rows` × `cols` slice. */
interface MapWindow {
  rd: string;
  cd: string;
  rows: number;
  cols: number;
  nr: number;
  nc: number;
  r0: number;
  c0: number;
}

function renderSlicer(body: HTMLElement, ctx: VariableContext): void {
  const s: Slicer = {
    ctx,
    axes: initialAxes(ctx.variable, ctx.state),
    mapState: mapStateOf(ctx.state.map),
    controls: h('div', { class: 'controls' }),
    plot: h('div', { class: 'plot' }),
    generation: 0,
  };
  body.append(s.controls, s.plot);
  buildControls(s);
  void draw(s);
}

/** The saved axes if the variable still has them, else its last two dimensions. */
function initialAxes(v: Variable, state: VariableUiState): [string, string] {
  return state.axes &&
    v.dims.includes(state.axes[0]) &&
    v.dims.includes(state.axes[1]) &&
    state.axes[0] !== state.axes[1]
    ? state.axes
    : [v.dims[v.dims.length - 2], v.dims[v.dims.length - 1]];
}

function saveSlicer(s: Slicer): void {
  const { state } = s.ctx;
  s.ctx.onState({
    slice: { ...state.slice },
    axes: s.axes,
    offsets: { ...state.offsets },
    map: { ...s.mapState },
  });
}

const sizeOf = (v: Variable, d: string) => v.shape[v.dims.indexOf(d)];

/** The select of the rows (0) or columns (1) dimension; picking the other's swaps them. */
function axisSelect(s: Slicer, which: 0 | 1): HTMLSelectElement {
  const sel = h('select', {
    attrs: { 'aria-label': which === 0 ? 'Rows dimension' : 'Columns dimension' },
    dataset: { testid: `axis-${which}` },
  });
  for (const d of s.ctx.variable.dims) {
    const o = h('option', { attrs: { value: d } }, d);
    o.selected = d === s.axes[which];
    sel.append(o);
  }
  sel.addEventListener('change', () => {
    const other = s.axes[1 - which];
    const next: [string, string] = [...s.axes] as [string, string];
    next[which] = sel.value;
    if (sel.value === other) next[1 - which] = s.axes[which];
    s.axes = next;
    saveSlicer(s);
    buildControls(s);
    void draw(s);
  });
  return sel;
}

function buildControls(s: Slicer): void {
  const { controls } = s;
  clear(controls);
  controls.append(
    h(
      'div',
      { class: 'axes' },
      h('label', null, 'rows ', axisSelect(s, 0)),
      h('label', null, 'columns ', axisSelect(s, 1)),
    ),
  );
  for (const d of s.ctx.variable.dims) {
    if (s.axes.includes(d)) continue;
    controls.append(dimSlider(s, d));
  }
}

/** A slider and a number box for the index along a dimension not on the map, with its coordinate. */
function dimSlider(s: Slicer, d: string): HTMLElement {
  const { state } = s.ctx;
  const n = sizeOf(s.ctx.variable, d);
  const idx = Math.min(state.slice[d] ?? 0, n - 1);
  state.slice[d] = idx;
  const label = h('span', { class: 'coord-label', dataset: { testid: `slice-label-${d}` } }, '');
  const range = h('input', {
    attrs: {
      type: 'range',
      min: '0',
      max: String(n - 1),
      value: String(idx),
      'aria-label': `${d} index`,
    },
    dataset: { testid: `slider-${d}` },
  });
  const num = h('input', {
    class: 'index-input',
    attrs: {
      type: 'number',
      min: '0',
      max: String(n - 1),
      value: String(idx),
      'aria-label': `${d} index (number)`,
    },
  });
  const setLabel = async (i: number) => {
    const c = await coordValues(s.ctx.model, d);
    label.textContent = c ? `${d} = ${fmt(c[i])}` : `${d}[${i}]`;
  };
  void setLabel(idx);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = (i: number) => {
    const clamped = Math.max(0, Math.min(n - 1, Math.round(i)));
    state.slice[d] = clamped;
    range.value = String(clamped);
    num.value = String(clamped);
    void setLabel(clamped);
    saveSlicer(s);
    clearTimeout(timer);
    timer = setTimeout(() => void draw(s), 60);
  };
  range.addEventListener('input', () => update(Number(range.value)));
  num.addEventListener('change', () => update(Number(num.value)));
  return h('div', { class: 'slider' }, h('span', { class: 'dim-name' }, `${d} (${n})`), range, num, label);
}

/** The window of the slice to read: fitted into the request limit, keeping the slice's aspect. */
function mapWindow(s: Slicer): MapWindow {
  const { variable: v, state } = s.ctx;
  const [rd, cd] = s.axes;
  const rows = sizeOf(v, rd);
  const cols = sizeOf(v, cd);
  const scale = Math.min(1, Math.sqrt(MAX_CELLS / (rows * cols)));
  const nr = Math.max(1, Math.min(rows, Math.floor(rows * scale)));
  const nc = Math.max(1, Math.min(cols, Math.floor(MAX_CELLS / nr)));
  const r0 = Math.min(state.offsets[rd] ?? 0, rows - nr);
  const c0 = Math.min(state.offsets[cd] ?? 0, cols - nc);
  return { rd, cd, rows, cols, nr, nc, r0, c0 };
}

/** Reads the window of the slice and draws its map, statistics, window controls and series box. */
async function draw(s: Slicer): Promise<void> {
  const { ctx, plot } = s;
  const v = ctx.variable;
  const gen = ++s.generation;
  const w = mapWindow(s);
  const { rd, cd, nr, nc, r0, c0 } = w;
  const selection: Record<string, number | [number, number]> = {};
  for (const d of v.dims)
    selection[d] = d === rd ? [r0, r0 + nr] : d === cd ? [c0, c0 + nc] : (ctx.state.slice[d] ?? 0);
  plot.classList.add('busy');
  try {
    const [r, rc, cc] = await Promise.all([
      peer.sendRequest(ReadValues, { variable: ctx.name, selection }),
      coordValues(ctx.model, rd),
      coordValues(ctx.model, cd),
    ]);
    if (gen !== s.generation) return;
    // The reply's dims follow the variable's order; transpose when rows come after columns.
    const values = r.dims[0] !== rd ? transpose(r.values, nr, nc) : r.values;
    const stats = sliceStats(values);
    clear(plot);
    const series = h('div', { class: 'series', dataset: { testid: 'series' } });
    plot.append(mapOf(s, w, values, rc, cc, series), statsLine(stats));
    if (nr < w.rows || nc < w.cols) {
      plot.append(windowControls(s, w));
    }
    plot.append(series);
  } catch (err) {
    if (gen !== s.generation) return;
    clear(plot);
    plot.append(h('p', { class: 'error' }, (err as Error).message));
  } finally {
    if (gen === s.generation) plot.classList.remove('busy');
  }
}

/** `values` read as `nc` rows of `nr`, as `nr` rows of `nc`. */
function transpose(values: Value[], nr: number, nc: number): Value[] {
  const t: Value[] = new Array(values.length);
  for (let i = 0; i < nr; i++) for (let j = 0; j < nc; j++) t[i * nc + j] = values[j * nr + i];
  return t;
}

/** The map of the window; a click on a cell plots the series through it into `series`. */
function mapOf(
  s: Slicer,
  w: MapWindow,
  values: Value[],
  rowCoord: Value[] | null,
  colCoord: Value[] | null,
  series: HTMLElement,
): HTMLElement {
  const { ctx } = s;
  const { rd, cd, r0, c0, nr, nc } = w;
  return renderMapWindow({
    model: ctx.model,
    rd,
    cd,
    r0,
    c0,
    nr,
    nc,
    values,
    dtype: ctx.variable.dtype,
    rowCoord,
    colCoord,
    state: s.mapState,
    onState: (m) => {
      s.mapState = m;
      saveSlicer(s);
    },
    onPick: (i, j) =>
      void pointSeries(ctx, { ...ctx.state.slice, [rd]: r0 + i, [cd]: c0 + j }, s.axes, series),
    isOpen: ctx.isOpen,
    onToggle: ctx.onToggle,
    valuesTable,
  });
}

/** The first row and column of the window shown, when the slice is larger than one request. */
function windowControls(s: Slicer, w: MapWindow): HTMLElement {
  const { rd, cd, rows, cols, nr, nc, r0, c0 } = w;
  const input = (d: string, max: number, value: number) => {
    const el = h('input', {
      class: 'index-input',
      attrs: {
        type: 'number',
        min: '0',
        max: String(max),
        value: String(value),
        'aria-label': `first ${d} index`,
      },
    });
    el.addEventListener('change', () => {
      s.ctx.state.offsets[d] = Math.max(0, Math.min(max, Math.round(Number(el.value))));
      saveSlicer(s);
      void draw(s);
    });
    return el;
  };
  return h(
    'div',
    { class: 'window muted' },
    `The slice is ${rows} × ${cols}; showing ${nr} × ${nc} values from `,
    h('label', null, `${rd} `, input(rd, rows - nr, r0)),
    ' ',
    h('label', null, `${cd} `, input(cd, cols - nc, c0)),
  );
}
