// A table preview: columns with dtypes, a per-column summary, and a virtual grid that fetches
// pages of rows as they scroll into view (millions of rows, a few hundred DOM nodes).

import { displayDtype } from '../../preview/cf/calendarTime';
import type { TableModel, Value } from '../../preview/model';
import { clear, fmt, h } from '../common/dom';
import { peer } from './host';
import { type ColumnStats, ReadRows, SummarizeColumns } from './protocol';

const ROW_H = 22;
const PAGE = 200;
const MAX_PAGES = 60;
// Chromium caps an element's height near 33.5 M px; beyond, scroll positions are scaled.
const MAX_SCROLL_PX = 30_000_000;

/** Rows fetched to sort by a column: all of a table up to this size, else its first rows. */
const SORT_ROWS = 10_000;

/** pandas names an unnamed index column `Unnamed: 0` on reading; pandas itself shows it blank. */
export const indexTitle = (name: string): string => (/^Unnamed: \d+$/.test(name) ? '' : name);

/** The lines of a column's summary cell: counts for bools, min/max/mean for numbers and times. */
export function statsLines(dtype: string, x: ColumnStats | undefined): string[] {
  if (!x) return [];
  const out: string[] = [];
  if (x.trueCount !== undefined || dtype === 'bool')
    out.push(`True ${x.trueCount ?? '?'} · False ${x.falseCount ?? '?'}`);
  else if (x.min !== null || x.max !== null) {
    out.push(`min ${fmt(x.min, 5)}`, `max ${fmt(x.max, 5)}`);
    if (typeof x.mean === 'number') out.push(`mean ${fmt(x.mean, 5)}`);
  }
  if (x.nulls !== null) out.push(`${x.nulls.toLocaleString('en-US')} null`);
  return out;
}

/** Compare for sorting: nulls last, numbers numerically, the rest as text. */
export function compareValues(a: Value, b: Value): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export interface TableUiState {
  tableRow: number;
}

interface Sort {
  col: number;
  dir: 1 | -1;
  /** The rows sorted (the whole table up to SORT_ROWS rows, else its first SORT_ROWS). */
  rows: Value[][];
  whole: boolean;
}

let resizedAt = 0;

/** Header cells: name, dtype, a sort button and a drag handle that resizes the column. */
function headerCells(
  model: TableModel,
  widths: number[],
  onSort: (col: number) => void,
  onResize: () => void,
): HTMLElement[] {
  const indexSet = new Set(model.index);
  return model.columns.map((c, i) => {
    const isIndex = indexSet.has(c.name);
    const title = isIndex ? indexTitle(c.name) : c.name;
    const handle = h('div', { class: 'col-resize', attrs: { 'aria-hidden': 'true' } });
    handle.addEventListener('pointerdown', (ev) => {
      ev.preventDefault();
      ev.stopPropagation();
      const x0 = ev.clientX;
      const w0 = widths[i];
      const move = (e: PointerEvent) => {
        widths[i] = Math.max(40, Math.min(1200, w0 + e.clientX - x0));
        onResize();
      };
      const up = () => {
        resizedAt = Date.now();
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    });
    const cell = h(
      'div',
      {
        class: `cell${isIndex ? ' index' : ''}`,
        role: 'columnheader',
        tabIndex: 0,
        title: `${c.name}: ${c.dtype}${isIndex ? ' (the index)' : ''} — click to sort`,
        dataset: { col: String(i) },
      },
      h('div', { class: 'col-name' }, title, h('span', { class: 'sort-mark' }, '')),
      h('div', { class: 'col-dtype muted' }, displayDtype(c), isIndex ? ' · index' : ''),
      handle,
    );
    // The click that ends a column resize is not a sort.
    cell.addEventListener('click', () => {
      if (Date.now() - resizedAt > 300) onSort(i);
    });
    cell.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onSort(i);
      }
    });
    return cell;
  });
}

/** What the parts of one table share: its model, its elements, and the rows paged in or sorted. */
interface TableCtx {
  model: TableModel;
  state: TableUiState;
  onState: (s: TableUiState) => void;
  indexSet: Set<string>;
  /** With an index, its values label the rows (as pandas prints a frame); else the row number does. */
  rowNumbers: boolean;
  widths: number[];
  grid: HTMLElement;
  header: HTMLElement;
  summaryRow: HTMLElement;
  viewport: HTMLElement;
  spacer: HTMLElement;
  body: HTMLElement;
  status: HTMLElement;
  sortNote: HTMLElement;
  rowCount: number | null;
  /** Rows known to exist (when the count is unknown, grows as pages arrive). */
  knownRows: number;
  endKnown: boolean;
  pages: Map<number, Value[][]>;
  loading: Map<number, Promise<void>>;
  errorText: string | null;
  sort: Sort | null;
  saveTimer: ReturnType<typeof setTimeout> | undefined;
}

export function renderTable(
  app: HTMLElement,
  model: TableModel,
  state: TableUiState,
  onState: (s: TableUiState) => void,
): void {
  const t = tableCtx(model, state, onState);
  applyWidths(t);
  const goto = h('input', {
    class: 'index-input',
    attrs: { type: 'number', min: '0', placeholder: 'row', 'aria-label': 'Go to row' },
  });
  goto.addEventListener('change', () => scrollToRow(t, Number(goto.value)));
  t.grid.append(t.header, t.summaryRow, t.viewport);
  app.append(tableMeta(t, goto), t.grid, t.status);

  t.viewport.addEventListener('scroll', () => requestAnimationFrame(() => renderRows(t)), { passive: true });
  new ResizeObserver(() => renderRows(t)).observe(t.viewport);
  updateSpacer(t);
  void ensurePage(t, 0).then(() => scrollToRow(t, state.tableRow ?? 0));
  void fillSummary(t);
}

/** The table's elements and its empty paging state. */
function tableCtx(model: TableModel, state: TableUiState, onState: (s: TableUiState) => void): TableCtx {
  const cols = model.columns;
  const rowNumbers = model.index.length === 0;
  const rowCount = model.rowCount;
  const widths = cols.map((c) =>
    Math.min(260, Math.max(100, c.name.length * 8 + 28, displayDtype(c).length * 7 + 24)),
  );
  const viewport = h('div', {
    class: 'grid-viewport',
    tabIndex: 0,
    role: 'grid',
    attrs: { 'aria-rowcount': String(rowCount ?? -1), 'aria-colcount': String(cols.length + 1) },
  });
  const spacer = h('div', { class: 'grid-spacer' });
  const body = h('div', { class: 'grid-body' });
  viewport.append(spacer, body);
  const t: TableCtx = {
    model,
    state,
    onState,
    indexSet: new Set(model.index),
    rowNumbers,
    widths,
    grid: h('div', { class: 'grid' }),
    header: h('div', { class: 'grid-row grid-header', role: 'row' }),
    summaryRow: h(
      'div',
      { class: 'grid-row grid-summary', role: 'row', dataset: { testid: 'column-stats' } },
      rowNumbers ? h('div', { class: 'cell rownum muted' }, 'Σ') : null,
      ...cols.map(() => h('div', { class: 'cell muted' }, '…')),
    ),
    viewport,
    spacer,
    body,
    status: h('div', { class: 'grid-status muted', attrs: { 'aria-live': 'polite' } }),
    sortNote: h('span', { class: 'muted', dataset: { testid: 'sort-note' } }),
    rowCount,
    knownRows: rowCount ?? PAGE,
    endKnown: rowCount !== null,
    pages: new Map(),
    loading: new Map(),
    errorText: null,
    sort: null,
    saveTimer: undefined,
  };
  t.header.append(
    ...(rowNumbers ? [h('div', { class: 'cell rownum', role: 'columnheader' }, '#')] : []),
    ...headerCells(
      model,
      widths,
      (c) => void sortBy(t, c),
      () => applyWidths(t),
    ),
  );
  return t;
}

function applyWidths(t: TableCtx): void {
  const lead = t.rowNumbers ? '64px ' : '';
  t.grid.style.setProperty('--cols', `${lead}${t.widths.map((w) => `${w}px`).join(' ')}`);
  t.grid.style.setProperty(
    '--grid-width',
    `${(t.rowNumbers ? 64 : 0) + t.widths.reduce((a, b) => a + b, 0)}px`,
  );
}

/** The line above the grid: row and column counts, the index, a go-to-row box, the sort note. */
function tableMeta(t: TableCtx, goto: HTMLElement): HTMLElement {
  const { model, rowCount } = t;
  return h(
    'div',
    { class: 'table-meta' },
    h(
      'span',
      { dataset: { testid: 'row-count' } },
      rowCount === null ? 'rows: unknown until read to the end' : `${rowCount.toLocaleString('en-US')} rows`,
    ),
    h(
      'span',
      null,
      `${model.columns.length} columns${model.index.length ? ` (index: ${model.index.map((n) => indexTitle(n) || '(unnamed)').join(', ')})` : ''}`,
    ),
    model.dtypesFromSample ? h('span', { class: 'muted' }, 'dtypes inferred from the first rows') : null,
    h('label', null, 'go to ', goto),
    t.sortNote,
  );
}

const scaleOf = (t: TableCtx) => Math.max(1, (t.knownRows * ROW_H) / MAX_SCROLL_PX);

function updateSpacer(t: TableCtx): void {
  t.spacer.style.height = `${Math.min(t.knownRows * ROW_H, MAX_SCROLL_PX)}px`;
}

function scrollToRow(t: TableCtx, row: number): void {
  if (!Number.isFinite(row)) return;
  const r = Math.max(0, Math.min(row, t.knownRows - 1));
  t.viewport.scrollTop = (r * ROW_H) / scaleOf(t);
  renderRows(t);
}

/** Reads page `p` of rows once; a short page ends a table of unknown length. */
function ensurePage(t: TableCtx, p: number): Promise<void> {
  if (t.pages.has(p)) return Promise.resolve();
  let pending = t.loading.get(p);
  if (pending) return pending;
  pending = peer
    .sendRequest(ReadRows, { offset: p * PAGE, limit: PAGE })
    .then((r) => {
      t.pages.set(p, r.rows);
      if (t.pages.size > MAX_PAGES) t.pages.delete(t.pages.keys().next().value as number);
      if (!t.endKnown) {
        if (r.rows.length < PAGE) {
          t.endKnown = true;
          t.knownRows = p * PAGE + r.rows.length;
          t.rowCount = t.knownRows;
        } else t.knownRows = Math.max(t.knownRows, (p + 2) * PAGE);
        updateSpacer(t);
      }
    })
    .catch((err) => {
      t.errorText = (err as Error).message;
    })
    .finally(() => {
      t.loading.delete(p);
      renderRows(t);
    });
  t.loading.set(p, pending);
  return pending;
}

function rowAt(t: TableCtx, r: number): { row: Value[] | undefined; pending: boolean } {
  if (t.sort) return { row: t.sort.rows[r], pending: false };
  const page = t.pages.get(Math.floor(r / PAGE));
  if (!page) void ensurePage(t, Math.floor(r / PAGE));
  return { row: page?.[r % PAGE], pending: !page };
}

function rowEl(t: TableCtx, r: number): HTMLElement {
  const { row, pending } = rowAt(t, r);
  const cols = t.model.columns;
  const el = h(
    'div',
    { class: 'grid-row', role: 'row', dataset: { row: String(r) } },
    t.rowNumbers ? h('div', { class: 'cell rownum muted' }, String(r)) : null,
  );
  if (!row) {
    el.append(h('div', { class: 'cell muted' }, pending ? '…' : ''));
    return el;
  }
  row.forEach((v, i) => {
    const cls = `cell${v === null ? ' nan' : typeof v === 'number' ? ' num' : ''}${t.indexSet.has(cols[i]?.name) ? ' index' : ''}`;
    el.append(h('div', { class: cls, title: fmt(v) }, fmt(v)));
  });
  return el;
}

/** Draws the rows in view, the status line, and saves the first row shown a moment later. */
function renderRows(t: TableCtx): void {
  const { viewport, body, sort } = t;
  const height = viewport.clientHeight || 400;
  const total = sort ? sort.rows.length : t.knownRows;
  const first = Math.floor((viewport.scrollTop * scaleOf(t)) / ROW_H);
  const last = Math.min(total, first + Math.ceil(height / ROW_H) + 2);
  // The page of rows sits at the visible top, less the part of the first row scrolled away.
  const within = (viewport.scrollTop * scaleOf(t)) % ROW_H;
  body.style.transform = `translateY(${viewport.scrollTop - within}px)`;
  clear(body);
  for (let r = first; r < last; r++) body.append(rowEl(t, r));
  t.status.textContent = t.errorText
    ? `Error: ${t.errorText}`
    : `rows ${first.toLocaleString('en-US')}–${Math.max(first, last - 1).toLocaleString('en-US')} of ${t.endKnown || sort ? total.toLocaleString('en-US') : `${total.toLocaleString('en-US')}+`}`;
  clearTimeout(t.saveTimer);
  t.saveTimer = setTimeout(() => {
    t.state.tableRow = first;
    t.onState(t.state);
  }, 200);
}

/** Sorts by a column: ascending, then descending, then back to file order. */
async function sortBy(t: TableCtx, col: number): Promise<void> {
  const dir: 1 | -1 | 0 = !t.sort || t.sort.col !== col ? 1 : t.sort.dir === 1 ? -1 : 0;
  if (dir === 0) t.sort = null;
  else {
    const rows = t.sort?.rows.length ? [...t.sort.rows] : await fetchForSort(t);
    if (!rows) return;
    const order = rows.map((row, k) => [row, k] as const);
    order.sort((a, b) => {
      const x = a[0][col] ?? null;
      const y = b[0][col] ?? null;
      // Missing values go last either way, as pandas' sort_values(na_position="last").
      if (x === null || y === null) return x === y ? a[1] - b[1] : x === null ? 1 : -1;
      return dir * compareValues(x, y) || a[1] - b[1];
    });
    const whole = t.rowCount !== null && rows.length >= t.rowCount;
    t.sort = { col, dir, rows: order.map((x) => x[0]), whole };
  }
  markSort(t, col);
  updateSpacer(t);
  scrollToRow(t, 0);
}

/** The sort marks and aria-sort of the header cells, and the note of what was sorted. */
function markSort(t: TableCtx, col: number): void {
  const { sort } = t;
  for (const el of t.header.querySelectorAll<HTMLElement>('[role="columnheader"][data-col]')) {
    const mark = el.querySelector('.sort-mark');
    const on = sort && Number(el.dataset.col) === sort.col;
    if (mark) mark.textContent = on ? (sort?.dir === 1 ? ' ▲' : ' ▼') : '';
    el.setAttribute('aria-sort', on ? (sort?.dir === 1 ? 'ascending' : 'descending') : 'none');
  }
  const name = t.model.columns[col].name;
  t.sortNote.textContent = sort
    ? sort.whole
      ? `sorted by ${name}: all ${sort.rows.length.toLocaleString('en-US')} rows`
      : `sorted by ${name}: the first ${sort.rows.length.toLocaleString('en-US')} rows only (sorting a whole large file is not offered)`
    : '';
}

async function fetchForSort(t: TableCtx): Promise<Value[][] | null> {
  const want = Math.min(SORT_ROWS, t.rowCount ?? SORT_ROWS);
  const out: Value[][] = [];
  try {
    for (let off = 0; off < want; off += 5000) {
      const r = await peer.sendRequest(ReadRows, { offset: off, limit: Math.min(5000, want - off) });
      out.push(...r.rows);
      if (r.rows.length < Math.min(5000, want - off)) break;
    }
  } catch (err) {
    t.errorText = (err as Error).message;
    renderRows(t);
    return null;
  }
  return out;
}

/** Fills the summary row with each column's statistics once the host has computed them. */
async function fillSummary(t: TableCtx): Promise<void> {
  const { summaryRow } = t;
  try {
    const s = await peer.sendRequest(SummarizeColumns, {});
    const byName = new Map(s.columns.map((c) => [c.name, c]));
    clear(summaryRow);
    if (t.rowNumbers) summaryRow.append(h('div', { class: 'cell rownum muted', title: s.basis }, 'Σ'));
    for (const c of t.model.columns) {
      const lines = statsLines(c.dtype, byName.get(c.name));
      summaryRow.append(
        h(
          'div',
          { class: 'cell summary', title: `${c.name} — ${s.basis}`, dataset: { col: c.name } },
          ...lines.map((l) => h('div', null, l)),
        ),
      );
    }
    summaryRow.title = s.basis;
    t.status.title = s.basis;
  } catch (err) {
    summaryRow.title = (err as Error).message;
  }
}
