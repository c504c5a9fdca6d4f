// The type tree of a pickled object (joblib): never executed, only described. Objects built by
// calling something are marked "not run".

import { displayDtype } from '../../preview/cf/calendarTime';
import type { ObjectNode, Value } from '../../preview/model';
import { clear, fmt, h, icon } from '../common/dom';
import { renderHeatmap } from './heatmap';
import { axisTicks, colorRange } from './mapModel';

function valuesLine(values: Value[] | undefined, total: number | undefined): string {
  if (!values) return '';
  const shown = values.map((v) => fmt(v, 5)).join(', ');
  return `[${shown}${total !== undefined && total > values.length ? ', …' : ''}]`;
}

function frameTable(node: ObjectNode): HTMLElement | null {
  if (!node.columns || !node.rows) return null;
  return h(
    'table',
    { class: 'values-table frame-table', dataset: { testid: 'frame-table' } },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { class: 'index' }, node.index?.name ?? ''),
        ...node.columns.map((c) =>
          h(
            'th',
            { title: displayDtype(c) },
            c.name,
            h('div', { class: 'col-dtype muted' }, displayDtype(c)),
          ),
        ),
      ),
    ),
    h(
      'tbody',
      null,
      ...node.rows.map((row, i) =>
        h(
          'tr',
          null,
          h('th', { class: 'index' }, fmt(node.index?.values?.[i] ?? i)),
          ...row.map((v) =>
            h('td', { class: v === null ? 'nan' : typeof v === 'number' ? 'num' : '' }, fmt(v)),
          ),
        ),
      ),
    ),
  );
}

/** How a 2-D or higher array is laid out: its true row count and what the tree kept of it. */
export interface ArrayGrid {
  /** Rows of the table: every index of the leading dimensions (the array's true count). */
  totalRows: number;
  /** Rows whose values the tree kept (all of them unless the array is over 20,000 values). */
  rows: number;
  cols: number;
  /** The 2-D slice at `lead` ([i, ..., :, :]) of a numeric array, as far as it was kept. */
  heat: { values: Value[]; rows: number; cols: number; title: string } | null;
  /** Why there is no map for that slice although the array is numeric (it was not kept). */
  notKept?: string;
}

const NUMERIC = /^(float|int|uint|bool)/;

/**
 * The layout of an N-D array and its 2-D slice at `lead`: one index per leading dimension (all
 * but the last two; missing ones are 0, out-of-range ones clamped), in C order as numpy stores it.
 */
export function arrayGrid(node: ObjectNode, lead: number[] = []): ArrayGrid | null {
  const shape = node.shape ?? [];
  const values = node.values;
  if (shape.length < 2 || !values) return null;
  const cols = shape[shape.length - 1];
  const totalRows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const rows = Math.min(totalRows, Math.floor(values.length / Math.max(1, cols)));
  const sliceRows = shape[shape.length - 2];
  const at = shape.slice(0, -2).map((n, d) => Math.max(0, Math.min(n - 1, Math.round(lead[d] ?? 0))));
  // The slice's first row among the table's rows: the leading indices raveled, times its rows.
  const first = at.reduce((acc, i, d) => acc * shape[d] + i, 0) * sliceRows;
  const kept = Math.max(0, Math.min(sliceRows, rows - first));
  const title = `[${[...at.map(String), ':', ':'].join(', ')}]`;
  if (!NUMERIC.test(node.dtype ?? '') || sliceRows === 0 || cols === 0)
    return { totalRows, rows, cols, heat: null };
  if (kept === 0)
    return {
      totalRows,
      rows,
      cols,
      heat: null,
      notKept: `${title} is past the first ${rows.toLocaleString('en-US')} rows the preview keeps of this array.`,
    };
  const heat = { values: values.slice(first * cols, (first + kept) * cols), rows: kept, cols, title };
  return { totalRows, rows, cols, heat };
}

function rowLabel(shape: number[], r: number): string {
  const lead = shape.slice(0, -1);
  const idx: number[] = [];
  let rest = r;
  for (let d = lead.length - 1; d >= 0; d--) {
    idx.unshift(rest % lead[d]);
    rest = Math.floor(rest / lead[d]);
  }
  return idx.join(', ');
}

/**
 * A 2-D or higher array as a table: one row per index of the leading dimensions, one column per
 * index of the last (as numpy prints it), as many rows as the values kept.
 */
export function arrayTable(node: ObjectNode): HTMLElement | null {
  const grid = arrayGrid(node);
  const values = node.values;
  if (!grid || !values) return null;
  const { rows, cols, totalRows } = grid;
  const shape = node.shape ?? [];
  const table = h(
    'table',
    { class: 'values-table', dataset: { testid: 'array-table' } },
    h(
      'thead',
      null,
      h('tr', null, h('th', null, ''), ...Array.from({ length: cols }, (_, c) => h('th', null, String(c)))),
    ),
    h(
      'tbody',
      null,
      ...Array.from({ length: rows }, (_, r) =>
        h(
          'tr',
          null,
          h('th', null, rowLabel(shape, r)),
          ...Array.from({ length: cols }, (_, c) => {
            const v = values[r * cols + c];
            return h('td', { class: v === null ? 'nan' : typeof v === 'number' ? 'num' : '' }, fmt(v));
          }),
        ),
      ),
    ),
  );
  const count = `${totalRows.toLocaleString('en-US')} rows × ${cols.toLocaleString('en-US')} columns`;
  const note = h(
    'p',
    { class: 'muted', dataset: { testid: 'array-rows' } },
    rows < totalRows ? `${count}; showing the first ${rows.toLocaleString('en-US')} rows.` : `${count}.`,
  );
  return h('div', null, note, table);
}

/**
 * A 2-D slice of a numeric array as a map (row 0 at the top, as numpy prints it and as the table
 * below lists it), index ticks, the robust colour range and colormap a dataset variable gets; an
 * N-D array gets one slider per leading dimension, as a dataset variable does.
 */
export function arrayHeatmap(node: ObjectNode): HTMLElement | null {
  const shape = node.shape ?? [];
  const lead = shape.slice(0, -2).map(() => 0);
  if (!arrayGrid(node, lead)?.heat) return null;
  const map = h('div', { dataset: { testid: 'array-map-slice' } });
  const draw = () => {
    const grid = arrayGrid(node, lead);
    clear(map);
    if (grid?.heat) map.append(sliceMap(node, grid.heat));
    else if (grid?.notKept)
      map.append(h('p', { class: 'muted', dataset: { testid: 'array-not-kept' } }, grid.notKept));
  };
  const sliders = lead.map((_, d) =>
    leadSlider(d, shape[d], (i) => {
      lead[d] = i;
      draw();
    }),
  );
  draw();
  return h('div', { class: 'array-map', dataset: { testid: 'array-map' } }, ...sliders, map);
}

/** A slider and a number box for one leading dimension of an array ("axis 0 (6)"). */
function leadSlider(d: number, n: number, onChange: (i: number) => void): HTMLElement {
  const attrs = (label: string) => ({ min: '0', max: String(n - 1), value: '0', 'aria-label': label });
  const range = h('input', {
    attrs: { type: 'range', ...attrs(`axis ${d} index`) },
    dataset: { testid: `array-slider-${d}` },
  });
  const num = h('input', {
    class: 'index-input',
    attrs: { type: 'number', ...attrs(`axis ${d} index (number)`) },
  });
  const update = (v: number) => {
    const i = Math.max(0, Math.min(n - 1, Math.round(Number.isFinite(v) ? v : 0)));
    range.value = String(i);
    num.value = String(i);
    onChange(i);
  };
  range.addEventListener('input', () => update(Number(range.value)));
  num.addEventListener('change', () => update(Number(num.value)));
  return h('div', { class: 'slider' }, h('span', { class: 'dim-name' }, `axis ${d} (${n})`), range, num);
}

function sliceMap(node: ObjectNode, heat: NonNullable<ArrayGrid['heat']>): HTMLElement {
  const range = colorRange(heat.values, true, node.dtype);
  const nd = node.shape?.length ?? 2;
  if (!range) return h('p', { class: 'muted' }, `${node.dtype} ${heat.title}: no finite value to colour.`);
  return h(
    'div',
    null,
    h('p', { class: 'muted', dataset: { testid: 'array-map-title' } }, `${node.dtype} ${heat.title}`),
    renderHeatmap({
      values: heat.values,
      rows: heat.rows,
      cols: heat.cols,
      flipped: false,
      rowTicks: axisTicks(null, heat.rows, 0, null, Math.max(2, Math.min(8, heat.rows))),
      colTicks: axisTicks(null, heat.cols, 0, null, Math.max(2, Math.min(9, heat.cols))),
      rowTitle: `axis ${nd - 2}`,
      colTitle: `axis ${nd - 1}`,
      // Square cells, unless that makes a strip (a (128, 8) array): then at most twice as tall as wide.
      cellAspect: Math.min(1, (2 * heat.cols) / heat.rows),
      colormap: range.diverging ? 'RdBu_r' : 'viridis',
      lo: range.lo,
      hi: range.hi,
      describe: (i, j) => `[${[...heat.title.slice(1, -1).split(', ').slice(0, -2), i, j].join(', ')}]`,
    }),
  );
}

function renderNode(node: ObjectNode, depth: number): HTMLElement {
  const label = h(
    'span',
    { class: 'obj-label' },
    node.label !== undefined ? h('span', { class: 'obj-key' }, node.label) : null,
    node.label !== undefined ? ': ' : null,
    h('span', { class: 'obj-type' }, node.type),
    node.calendar ? h('span', { class: 'obj-summary muted' }, ` cftime (${node.calendar})`) : null,
    node.summary ? h('span', { class: 'obj-summary muted' }, ` ${node.summary}`) : null,
    node.inert
      ? h(
          'span',
          { class: 'obj-inert', title: 'Built by a callable in the pickle; the preview never runs it.' },
          icon('shield'),
          ' not run',
        )
      : null,
    node.truncated ? h('span', { class: 'muted' }, ' (truncated)') : null,
  );
  const extras: HTMLElement[] = [];
  const grid = arrayTable(node);
  const map = grid ? arrayHeatmap(node) : null;
  if (map) extras.push(map);
  if (grid) extras.push(h('div', { class: 'values-table-wrap tall' }, grid));
  else if (node.values) {
    const total = node.shape?.reduce((a, b) => a * b, 1) ?? node.length;
    extras.push(h('div', { class: 'obj-values' }, valuesLine(node.values, total)));
  }
  const table = frameTable(node);
  if (table) extras.push(h('div', { class: 'values-table-wrap tall' }, table));
  const children = node.children ?? [];
  if (children.length === 0 && extras.length === 0) return h('div', { class: 'obj-leaf' }, label);
  const d = h(
    'details',
    { class: 'obj-node' },
    h('summary', null, label),
    ...extras,
    ...children.map((c) => renderNode(c, depth + 1)),
  );
  d.open = depth < 2;
  return d;
}

export function renderObject(app: HTMLElement, tree: ObjectNode): void {
  app.append(
    h(
      'p',
      { class: 'muted notice' },
      icon('shield'),
      ' A pickle can run code when loaded; this preview reads its structure without running anything.',
    ),
    h('div', { class: 'obj-tree', dataset: { testid: 'object-tree' } }, renderNode(tree, 0)),
  );
}
