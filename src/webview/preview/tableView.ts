// A table preview: columns with dtypes, a per-column summary, and a virtual grid that fetches
// pages of rows as they scroll into view (millions of rows, a few hundred DOM nodes).
import type { TableModel, Value } from '../../preview/model';
import { clear, fmt, h } from '../common/dom';
import { request } from '../common/rpc';

const ROW_H = 22;
const PAGE = 200;
const MAX_PAGES = 60;
// Chromium caps an element's height near 33.5 M px; beyond, scroll positions are scaled.
const MAX_SCROLL_PX = 30_000_000;

interface RowsReply {
  offset: number;
  columns: string[];
  rows: Value[][];
}

interface SummaryReply {
  columns: { name: string; min: Value; max: Value; nulls: number | null }[];
  basis: string;
}

export interface TableUiState {
  tableRow: number;
}

export function renderTable(
  app: HTMLElement,
  model: TableModel,
  state: TableUiState,
  onState: (s: TableUiState) => void,
): void {
  const cols = model.columns;
  const indexSet = new Set(model.index);
  let rowCount = model.rowCount;
  /** Rows known to exist (when the count is unknown, grows as pages arrive). */
  let knownRows = rowCount ?? PAGE;
  let endKnown = rowCount !== null;
  const pages = new Map<number, Value[][]>();
  const loading = new Map<number, Promise<void>>();
  let errorText: string | null = null;

  const widths = cols.map((c) =>
    Math.min(260, Math.max(70, c.name.length * 8 + 24, c.dtype.length * 7 + 16)),
  );
  const template = `64px ${widths.map((w) => `${w}px`).join(' ')}`;

  const header = h(
    'div',
    { class: 'grid-row grid-header', role: 'row' },
    h('div', { class: 'cell rownum', role: 'columnheader' }, '#'),
    ...cols.map((c) =>
      h(
        'div',
        {
          class: `cell${indexSet.has(c.name) ? ' index' : ''}`,
          role: 'columnheader',
          title: `${c.name}: ${c.dtype}${indexSet.has(c.name) ? ' (index)' : ''}`,
        },
        h('div', { class: 'col-name' }, c.name),
        h('div', { class: 'col-dtype muted' }, c.dtype, indexSet.has(c.name) ? ' · index' : ''),
      ),
    ),
  );
  const summaryRow = h(
    'div',
    { class: 'grid-row grid-summary', role: 'row' },
    h('div', { class: 'cell rownum muted' }, 'Σ'),
    ...cols.map(() => h('div', { class: 'cell muted' }, '…')),
  );
  header.style.gridTemplateColumns = template;
  summaryRow.style.gridTemplateColumns = template;

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
  const goto = h('input', {
    class: 'index-input',
    attrs: { type: 'number', min: '0', placeholder: 'row', 'aria-label': 'Go to row' },
  });
  goto.addEventListener('change', () => scrollToRow(Number(goto.value)));

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
        `${cols.length} columns${model.index.length ? ` (index: ${model.index.join(', ')})` : ''}`,
      ),
      model.dtypesFromSample ? h('span', { class: 'muted' }, 'dtypes inferred from the first rows') : null,
      h('label', null, 'go to ', goto),
    ),
    h(
      'div',
      { class: 'grid', style: { ['--grid-width' as never]: `${64 + widths.reduce((a, b) => a + b, 0)}px` } },
      header,
      summaryRow,
      viewport,
    ),
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
    pending = request<RowsReply>('readRows', { offset: p * PAGE, limit: PAGE })
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

  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const render = () => {
    const height = viewport.clientHeight || 400;
    const first = firstVisible();
    const count = Math.ceil(height / ROW_H) + 2;
    const last = Math.min(knownRows, first + count);
    // The page of rows sits at the visible top, less the part of the first row scrolled away.
    const within = (viewport.scrollTop * scale()) % ROW_H;
    body.style.transform = `translateY(${viewport.scrollTop - within}px)`;
    clear(body);
    for (let r = first; r < last; r++) {
      const page = pages.get(Math.floor(r / PAGE));
      const row = page?.[r % PAGE];
      const el = h(
        'div',
        { class: 'grid-row', role: 'row', dataset: { row: String(r) } },
        h('div', { class: 'cell rownum muted' }, String(r)),
      );
      el.style.gridTemplateColumns = template;
      if (row) {
        row.forEach((v, i) => {
          el.append(
            h(
              'div',
              {
                class: `cell${v === null ? ' nan' : typeof v === 'number' ? ' num' : ''}${indexSet.has(cols[i]?.name) ? ' index' : ''}`,
                title: fmt(v),
              },
              fmt(v),
            ),
          );
        });
      } else {
        el.append(h('div', { class: 'cell muted' }, page ? '' : '…'));
        void ensurePage(Math.floor(r / PAGE));
      }
      body.append(el);
    }
    status.textContent = errorText
      ? `Error: ${errorText}`
      : `rows ${first.toLocaleString('en-US')}–${Math.max(first, last - 1).toLocaleString('en-US')} of ${endKnown ? knownRows.toLocaleString('en-US') : `${knownRows.toLocaleString('en-US')}+`}`;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      state.tableRow = first;
      onState(state);
    }, 200);
  };

  viewport.addEventListener('scroll', () => requestAnimationFrame(render), { passive: true });
  new ResizeObserver(() => render()).observe(viewport);
  updateSpacer();
  void ensurePage(0).then(() => scrollToRow(state.tableRow ?? 0));

  void request<SummaryReply>('summarizeColumns', {})
    .then((s) => {
      const byName = new Map(s.columns.map((c) => [c.name, c]));
      clear(summaryRow);
      summaryRow.append(h('div', { class: 'cell rownum muted', title: s.basis }, 'Σ'));
      for (const c of cols) {
        const x = byName.get(c.name);
        summaryRow.append(
          h(
            'div',
            { class: 'cell summary', title: `${c.name} — ${s.basis}` },
            x ? `${fmt(x.min, 4)} … ${fmt(x.max, 4)}` : '',
            x && x.nulls !== null ? h('span', { class: 'muted' }, ` · ${x.nulls} null`) : null,
          ),
        );
      }
      summaryRow.title = s.basis;
    })
    .catch((err) => {
      summaryRow.title = (err as Error).message;
    });
}
