// An xarray-like summary of a dataset: dimensions, coordinates, data variables (with the first
// values inline), attributes; selecting a variable opens its plot below.
import { displayDtype } from '../../preview/cf/calendarTime';
import type { DatasetModel, Variable } from '../../preview/model';
import { clear, h, icon, section } from '../common/dom';
import { peer } from './host';
import type { MapUiState } from './mapView';
import { CopyText, ReadValues } from './protocol';
import {
  datasetRepr,
  dimsWithoutCoords,
  type FirstLast,
  firstLastText,
  humanBytes,
  isIndexCoord,
  nbytes,
} from './reprText';
import { renderVariable, resetCoordCache, type VariableUiState } from './variableView';

export interface DatasetUiState {
  variable: string | null;
  slice: Record<string, number>;
  axes: [string, string] | null;
  offsets: Record<string, number>;
  collapsed: string[];
  map?: MapUiState;
}

const INLINE_VALUES = 6;

/** The first values along the last dimension (others at 0), or the last ones (others at their end). */
function edgeSelection(v: Variable, end: boolean): Record<string, number | [number, number]> {
  const sel: Record<string, number | [number, number]> = {};
  v.dims.forEach((d, i) => {
    const n = v.shape[i];
    if (i < v.dims.length - 1) sel[d] = end ? Math.max(0, n - 1) : 0;
    else sel[d] = end ? [Math.max(0, n - INLINE_VALUES), n] : [0, Math.min(INLINE_VALUES, n)];
  });
  return sel;
}

interface PreviewJob {
  name: string;
  v: Variable;
  cell: HTMLElement;
}

/**
 * Runs the first … last value requests a few at a time so big datasets do not flood the host;
 * each variable's values also go into `found` for the text repr.
 */
async function fillPreviews(jobs: PreviewJob[], found: Map<string, FirstLast>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { name, v, cell } = jobs[next++];
      try {
        const total = v.shape.reduce((a, b) => a * b, 1);
        const first = await peer.sendRequest(ReadValues, {
          variable: name,
          selection: edgeSelection(v, false),
        });
        const last =
          total > INLINE_VALUES
            ? await peer.sendRequest(ReadValues, {
                variable: name,
                selection: edgeSelection(v, true),
              })
            : first;
        const fl = { first: first.values, last: last.values, total };
        found.set(name, fl);
        cell.textContent = firstLastText(fl, 90, v.dtype.startsWith('float')).replace(' ... ', ' … ');
      } catch (err) {
        cell.textContent = `(${(err as Error).message})`;
        cell.classList.add('error');
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function attrsTable(attrs: [string, unknown][]): HTMLElement {
  if (attrs.length === 0) return h('p', { class: 'muted' }, '(none)');
  return h(
    'table',
    { class: 'kv', dataset: { testid: 'dataset-attrs' } },
    h(
      'tbody',
      null,
      ...attrs.map(([k, v]) =>
        h('tr', null, h('th', null, k), h('td', null, typeof v === 'string' ? v : JSON.stringify(v))),
      ),
    ),
  );
}

/** What the parts of one dataset summary share: the model, its state, and the variable panel. */
interface DatasetCtx {
  app: HTMLElement;
  model: DatasetModel;
  state: DatasetUiState;
  onState: (s: DatasetUiState) => void;
  isOpen: (id: string, dflt: boolean) => boolean;
  onToggle: (id: string, open: boolean) => void;
  /** The first … last value cells to fill, in the order of the rows. */
  jobs: PreviewJob[];
  /** The first and last values read, for the text repr. */
  found: Map<string, FirstLast>;
  varPanel: HTMLElement;
}

export function renderDataset(
  app: HTMLElement,
  model: DatasetModel,
  state: DatasetUiState,
  onState: (s: DatasetUiState) => void,
): void {
  resetCoordCache();
  const d: DatasetCtx = {
    app,
    model,
    state,
    onState,
    isOpen: (id, dflt) =>
      state.collapsed.includes(id) ? false : state.collapsed.includes(`+${id}`) ? true : dflt,
    onToggle: (id, open) => {
      state.collapsed = state.collapsed.filter((x) => x !== id && x !== `+${id}`);
      state.collapsed.push(open ? `+${id}` : id);
      onState(state);
    },
    jobs: [],
    found: new Map(),
    varPanel: h('div', { class: 'variable-panel' }),
  };
  // xarray's order: dimensions, coordinates, data variables, indexes, attributes; then the
  // selected variable below the whole summary.
  app.append(h('div', { class: 'repr-actions' }, copyReprButton(d)), ...summarySections(d), d.varPanel);
  if (model.groups && model.groups.length > 0) {
    app.prepend(
      h('p', { class: 'muted' }, `Group ${model.group || '/'}; sub-groups: ${model.groups.join(', ')}`),
    );
  }
  if (!state.variable) {
    // Start on the first data variable with at least one dimension, as a user would.
    const first = Object.entries(model.dataVars).find(([, v]) => v.dims.length > 0)?.[0] ?? null;
    state.variable = first;
    if (first) app.querySelector(`.var-row[data-name="${CSS.escape(first)}"]`)?.classList.add('selected');
  }
  showVariable(d);
  void fillPreviews(d.jobs, d.found);
}

function copyReprButton(d: DatasetCtx): HTMLElement {
  const copy = h(
    'button',
    { class: 'link', dataset: { testid: 'copy-repr' }, title: "Copy the dataset as xarray's text repr" },
    icon('copy'),
    ' Copy repr',
  );
  copy.addEventListener('click', () =>
    peer.sendNotification(CopyText, { text: datasetRepr(d.model, d.found) }),
  );
  return copy;
}

/** The sections of the summary: dimensions, coordinates, data variables, indexes, attributes. */
function summarySections(d: DatasetCtx): HTMLElement[] {
  const { model, isOpen, onToggle } = d;
  const attrs = Object.entries(model.attrs);
  const indexes = Object.entries(model.coords).filter(([n, v]) => isIndexCoord(n, v));
  return [
    section('dims', 'Dimensions', dimsBlock(model), {
      open: isOpen('dims', true),
      onToggle,
      count: Object.keys(model.dims).length,
    }),
    section('coords', 'Coordinates', varTable(d, model.coords, 'coord'), {
      open: isOpen('coords', true),
      onToggle,
      count: Object.keys(model.coords).length,
    }),
    section('data-vars', 'Data variables', varTable(d, model.dataVars, 'data'), {
      open: isOpen('data-vars', true),
      onToggle,
      count: Object.keys(model.dataVars).length,
    }),
    section(
      'indexes',
      'Indexes',
      indexes.length
        ? h(
            'div',
            { class: 'dims', dataset: { testid: 'indexes' } },
            ...indexes.map(([n]) => h('span', { class: 'chip' }, h('b', null, n), ' PandasIndex')),
          )
        : h('p', { class: 'muted' }, '(none)'),
      { open: isOpen('indexes', false), onToggle, count: indexes.length },
    ),
    section('attrs', 'Attributes', attrsTable(attrs), {
      open: isOpen('attrs', attrs.length <= 8),
      onToggle,
      count: attrs.length,
    }),
  ];
}

/** The dimensions as chips, those without a coordinate marked and listed. */
function dimsBlock(model: DatasetModel): HTMLElement {
  const bare = dimsWithoutCoords(model);
  return h(
    'div',
    null,
    h(
      'div',
      { class: 'dims', dataset: { testid: 'dims' } },
      ...Object.entries(model.dims).map(([dim, n]) =>
        h(
          'span',
          { class: `chip${bare.includes(dim) ? ' bare' : ''}`, dataset: { dim } },
          h('b', null, dim),
          `: ${n}`,
        ),
      ),
    ),
    bare.length
      ? h(
          'p',
          { class: 'muted', dataset: { testid: 'dims-without-coords' } },
          `Dimensions without coordinates: ${bare.join(', ')}`,
        )
      : null,
  );
}

function varTable(d: DatasetCtx, vars: Record<string, Variable>, kind: 'coord' | 'data'): HTMLElement {
  const names = Object.keys(vars);
  if (names.length === 0) return h('p', { class: 'muted' }, '(none)');
  const rows = names.map((name) => varRow(d, name, vars[name], kind));
  return h(
    'table',
    { class: 'vars', dataset: { testid: `${kind}-vars` } },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'name'),
        h('th', null, 'dims'),
        h('th', null, 'dtype'),
        h('th', null, 'shape'),
        h('th', null, 'chunks'),
        h('th', null, 'size'),
        h('th', null, 'first … last values'),
      ),
    ),
    h('tbody', null, ...rows),
  );
}

/** A variable's row; its first … last values cell is queued to fill, and a click shows it below. */
function varRow(d: DatasetCtx, name: string, v: Variable, kind: 'coord' | 'data'): HTMLElement {
  const { state } = d;
  const preview = h('td', { class: 'preview muted' }, '…');
  d.jobs.push({ name, v, cell: preview });
  const indexMark = kind === 'coord' && isIndexCoord(name, v);
  const tr = h(
    'tr',
    {
      class: `var-row${state.variable === name ? ' selected' : ''}`,
      tabIndex: 0,
      role: 'button',
      dataset: { name, kind },
      attrs: { 'aria-label': `Show ${name}` },
    },
    h(
      'td',
      { class: 'name' },
      h(
        'span',
        { class: 'index-mark', title: indexMark ? 'index coordinate (has an index)' : '' },
        indexMark ? '*' : '',
      ),
      name,
    ),
    h('td', { class: 'dims-cell' }, `(${v.dims.join(', ')})`),
    h('td', { class: 'dtype' }, displayDtype(v)),
    h('td', { class: 'shape' }, v.shape.length ? v.shape.join(' × ') : 'scalar'),
    h('td', { class: 'chunks muted' }, v.chunks ? v.chunks.join(' × ') : ''),
    h('td', { class: 'size muted' }, humanBytes(nbytes(v))),
    preview,
  );
  const select = () => {
    state.variable = name;
    d.onState(state);
    for (const r of d.app.querySelectorAll('.var-row.selected')) r.classList.remove('selected');
    tr.classList.add('selected');
    showVariable(d);
    d.varPanel.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };
  tr.addEventListener('click', select);
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select();
    }
  });
  return tr;
}

/** The selected variable's panel, its slice and axes kept in the dataset's state. */
function showVariable(d: DatasetCtx): void {
  const { varPanel, state, model } = d;
  clear(varPanel);
  const name = state.variable;
  const v = name ? (model.dataVars[name] ?? model.coords[name]) : undefined;
  if (!name || !v) {
    varPanel.append(h('p', { class: 'hint muted' }, 'Select a variable to plot it.'));
    return;
  }
  const vstate: VariableUiState = {
    slice: state.slice,
    axes: state.axes,
    offsets: state.offsets,
    map: state.map,
  };
  varPanel.append(
    renderVariable({
      model,
      name,
      variable: v,
      state: vstate,
      onState: (s) => {
        state.slice = s.slice;
        state.axes = s.axes;
        state.offsets = s.offsets;
        state.map = s.map;
        d.onState(state);
      },
      isOpen: d.isOpen,
      onToggle: d.onToggle,
    }),
  );
}
