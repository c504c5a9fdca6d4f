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

export function renderTable(
  app: HTMLElement,
  model: TableModel,
  state: TableUiState,
  onState: (s: TableUiState) => void,
): void {
  const cols = model.columns;
  const indexSet = new Set(model.index);
  // With an index, its values label the rows (as pandas prints a frame); else the row number does.
  const rowNumbers = model.index.length === 0;
  let rowCount = model.rowCount;
  /** Rows known to exist (when the count is unknown, grows as pages arrive). */
  let knownRows = rowCount ?? PAGE;
  let endKnown = rowCount !== null;
  const pages = new Map<number, Value[][]>();
  const loading = new Map<number, Promise<void>>();
  let errorText: string | null = null;
  let sort: Sort | null = null;

  const widths = cols.map((c) =>
    Math.min(260, Math.max(100, c.name.length * 8 + 28, displayDtype(c).length * 7 + 24)),
  );
  const grid = h('div', { class: 'grid' });
  const applyWidths = () => {
    const lead = rowNumbers ? '64px ' : '';
    grid.style.setProperty('--cols', `${lead}${widths.map((w) => `${w}px`).join(' ')}`);
    grid.style.setProperty('--grid-width', `${(rowNumbers ? 64 : 0) + widths.reduce((a, b) => a + b, 0)}px`);
  };
  applyWidths();

  const header = h(
    'div',
    { class: 'grid-row grid-header', role: 'row' },
    rowNumbers ? h('div', { class: 'cell rownum', role: 'columnheader' }, '#') : null,
    ...headerCells(model, widths, (c) => void sortBy(c), applyWidths),
  );
  const summaryRow = h(
    'div',
    { class: 'grid-row grid-summary', role: 'row', dataset: { testid: 'column-stats' } },
    rowNumbers ? h('div', { class: 'cell rownum muted' }, 'Σ') : null,
    ...cols.map(() => h('div', { class: 'cell muted' }, '…')),
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
  const status = h('div', { class: 'grid-status muted', attrs: { 'aria-live': 'polite' } });
  const sortNote = h('span', { class: 'muted', dataset: { testid: 'sort-note' } });
  const goto = h('input', {
    class: 'index-input',
    attrs: { type: 'number', min: '0', placeholder: 'row', 'aria-label': 'Go to row' },
  });
  goto.addEventListener('change', () => scrollToRow(Number(goto.value)));

  grid.append(header, summaryRow, viewport);
  app.append(
    h(
      'div',
      { class: 'table-meta' },
      h(
        'span',
        { dataset: { testid: 'row-count' } },
        rowCount === null
          ? 'rows: unknown until read to the end'
          : `${rowCount.toLocaleString('en-US')} rows`,
      ),
      h(
        'span',
        null,
        `${cols.length} columns${model.index.length ? ` (index: ${model.index.map((n) => indexTitle(n) || '(unnamed)').join(', ')})` : ''}`,
      ),
      model.dtypesFromSample ? h('span', { class: 'muted' }, 'dtypes inferred from the first rows') : null,
      h('label', null, 'go to ', goto),
      sortNote,
    ),
    grid,
    status,
  );

  const scale = () => Math.max(1, (knownRows * ROW_H) / MAX_SCROLL_PX);
  const updateSpacer = () => {
    spacer.style.height = `${Math.min(knownRows * ROW_H, MAX_SCROLL_PX)}px`;
  };
  const firstVisible = () => Math.floor((viewport.scrollTop * scale()) / ROW_H);
  const scrollToRow = (row: number) => {
    if (!Number.isFinite(row)) return;
    const r = Math.max(0, Math.min(row, knownRows - 1));
    viewport.scrollTop = (r * ROW_H) / scale();
    render();
  };

  const ensurePage = (p: number): Promise<void> => {
    if (pages.has(p)) return Promise.resolve();
    let pending = loading.get(p);
    if (pending) return pending;
    pending = peer
      .sendRequest(ReadRows, { offset: p * PAGE, limit: PAGE })
      .then((r) => {
        pages.set(p, r.rows);
        if (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value as number);
        if (!endKnown) {
          if (r.rows.length < PAGE) {
            endKnown = true;
            knownRows = p * PAGE + r.rows.length;
            rowCount = knownRows;
          } else knownRows = Math.max(knownRows, (p + 2) * PAGE);
          updateSpacer();
        }
      })
      .catch((err) => {
        errorText = (err as Error).message;
      })
      .finally(() => {
        loading.delete(p);
        render();
      });
    loading.set(p, pending);
    return pending;
  };

  const rowAt = (r: number): { row: Value[] | undefined; pending: boolean } => {
    if (sort) return { row: sort.rows[r], pending: false };
    const page = pages.get(Math.floor(r / PAGE));
    if (!page) void ensurePage(Math.floor(r / PAGE));
    return { row: page?.[r % PAGE], pending: !page };
  };

  const rowEl = (r: number): HTMLElement => {
    const { row, pending } = rowAt(r);
    const el = h(
      'div',
      { class: 'grid-row', role: 'row', dataset: { row: String(r) } },
      rowNumbers ? h('div', { class: 'cell rownum muted' }, String(r)) : null,
    );
    if (!row) {
      el.append(h('div', { class: 'cell muted' }, pending ? '…' : ''));
      return el;
    }
    row.forEach((v, i) => {
      const cls = `cell${v === null ? ' nan' : typeof v === 'number' ? ' num' : ''}${indexSet.has(cols[i]?.name) ? ' index' : ''}`;
      el.append(h('div', { class: cls, title: fmt(v) }, fmt(v)));
    });
    return el;
  };

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const render = () => {
    const height = viewport.clientHeight || 400;
    const total = sort ? sort.rows.length : knownRows;
    const first = firstVisible();
    const last = Math.min(total, first + Math.ceil(height / ROW_H) + 2);
    // The page of rows sits at the visible top, less the part of the first row scrolled away.
    const within = (viewport.scrollTop * scale()) % ROW_H;
    body.style.transform = `translateY(${viewport.scrollTop - within}px)`;
    clear(body);
    for (let r = first; r < last; r++) body.append(rowEl(r));
    status.textContent = errorText
      ? `Error: ${errorText}`
      : `rows ${first.toLocaleString('en-US')}–${Math.max(first, last - 1).toLocaleString('en-US')} of ${endKnown || sort ? total.toLocaleString('en-US') : `${total.toLocaleString('en-US')}+`}`;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      state.tableRow = first;
      onState(state);
    }, 200);
  };

  /** Sorts by a column: ascending, then descending, then back to file order. */
  const sortBy = async (col: number) => {
    const dir: 1 | -1 | 0 = !sort || sort.col !== col ? 1 : sort.dir === 1 ? -1 : 0;
    if (dir === 0) sort = null;
    else {
      const rows = sort?.rows.length ? [...sort.rows] : await fetchForSort();
      if (!rows) return;
      const order = rows.map((row, k) => [row, k] as const);
      order.sort((a, b) => {
        const x = a[0][col] ?? null;
        const y = b[0][col] ?? null;
        // Missing values go last either way, as pandas' sort_values(na_position="last").
        if (x === null || y === null) return x === y ? a[1] - b[1] : x === null ? 1 : -1;
        return dir * compareValues(x, y) || a[1] - b[1];
      });
      const whole = rowCount !== null && rows.length >= rowCount;
      sort = { col, dir, rows: order.map((x) => x[0]), whole };
    }
    for (const el of header.querySelectorAll<HTMLElement>('[role="columnheader"][data-col]')) {
      const mark = el.querySelector('.sort-mark');
      const on = sort && Number(el.dataset.col) === sort.col;
      if (mark) mark.textContent = on ? (sort?.dir === 1 ? ' ▲' : ' ▼') : '';
      el.setAttribute('aria-sort', on ? (sort?.dir === 1 ? 'ascending' : 'descending') : 'none');
    }
    sortNote.textContent = sort
      ? sort.whole
        ? `sorted by ${cols[col].name}: all ${sort.rows.length.toLocaleString('en-US')} rows`
        : `sorted by ${cols[col].name}: the first ${sort.rows.length.toLocaleString('en-US')} rows only (sorting a whole large file is not offered)`
      : '';
    updateSpacer();
    scrollToRow(0);
  };

  const fetchForSort = async (): Promise<Value[][] | null> => {
    const want = Math.min(SORT_ROWS, rowCount ?? SORT_ROWS);
    const out: Value[][] = [];
    try {
      for (let off = 0; off < want; off += 5000) {
        const r = await peer.sendRequest(ReadRows, { offset: off, limit: Math.min(5000, want - off) });
        out.push(...r.rows);
        if (r.rows.length < Math.min(5000, want - off)) break;
      }
    } catch (err) {
      errorText = (err as Error).message;
      render();
      return null;
    }
    return out;
  };

  viewport.addEventListener('scroll', () => requestAnimationFrame(render), { passive: true });
  new ResizeObserver(() => render()).observe(viewport);
  updateSpacer();
  void ensurePage(0).then(() => scrollToRow(state.tableRow ?? 0));

  void peer
    .sendRequest(SummarizeColumns, {})
    .then((s) => {
      const byName = new Map(s.columns.map((c) => [c.name, c]));
      clear(summaryRow);
      if (rowNumbers) summaryRow.append(h('div', { class: 'cell rownum muted', title: s.basis }, 'Σ'));
      for (const c of cols) {
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
      status.title = s.basis;
    })
    .catch((err) => {
      summaryRow.title = (err as Error).message;
    });
}
