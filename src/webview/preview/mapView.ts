// The map of a 2-D window of a variable: colormap and range controls over the heatmap, axes from
// the coordinates, one orientation for the map and its values table (north up), and a click that
// hands the cell to the caller (which plots the series through it).
import type { DatasetModel, Value } from '../../preview/model';
import { fmt, h, section } from '../common/dom';
import { COLORMAPS, type ColormapName, isColormap } from './colormap';
import { renderHeatmap } from './heatmap';
import { axisTicks, cellAspect, colorRange, geoKind, numericCoord, rowsFlipped } from './mapModel';
import { timeCalendar } from './timeCalendar';

export interface MapUiState {
  /** 'auto': RdBu_r when the range crosses 0 (centred on 0, as xarray), else viridis. */
  cmap: ColormapName | 'auto';
  /** The 2nd-98th percentile range (xarray's robust=True) instead of min/max. */
  robust: boolean;
  vmin: number | null;
  vmax: number | null;
}

export const defaultMapState = (): MapUiState => ({ cmap: 'auto', robust: true, vmin: null, vmax: null });

export function mapStateOf(x: unknown): MapUiState {
  const d = defaultMapState();
  if (!x || typeof x !== 'object') return d;
  const o = x as Record<string, unknown>;
  return {
    cmap: o.cmap === 'auto' || isColormap(o.cmap) ? o.cmap : d.cmap,
    robust: typeof o.robust === 'boolean' ? o.robust : d.robust,
    vmin: typeof o.vmin === 'number' ? o.vmin : null,
    vmax: typeof o.vmax === 'number' ? o.vmax : null,
  };
}

export interface MapWindow {
  model: DatasetModel;
  rd: string;
  cd: string;
  r0: number;
  c0: number;
  nr: number;
  nc: number;
  /** nr × nc values, row-major over (rd, cd). */
  values: Value[];
  /** The variable's dtype (float32 ranges are computed in float32, as numpy does for xarray). */
  dtype?: string;
  /** Full coordinate values along rd / cd, or null. */
  rowCoord: Value[] | null;
  colCoord: Value[] | null;
  state: MapUiState;
  onState: (s: MapUiState) => void;
  onPick: (row: number, col: number) => void;
  isOpen: (id: string, dflt: boolean) => boolean;
  onToggle: (id: string, open: boolean) => void;
  valuesTable: (
    values: Value[],
    rows: number,
    cols: number,
    rowLabels: string[],
    colLabels: string[],
  ) => HTMLElement;
}

const axisTitle = (model: DatasetModel, dim: string): string => {
  const units = model.coords[dim]?.attrs.units;
  return typeof units === 'string' && units ? `${dim} [${units}]` : dim;
};

function controls(w: MapWindow, shown: { lo: number; hi: number; cmap: ColormapName }, redraw: () => void) {
  const cmap = h('select', { attrs: { 'aria-label': 'Colormap' }, dataset: { testid: 'cmap' } });
  for (const name of ['auto', ...COLORMAPS]) {
    const o = h('option', { attrs: { value: name } }, name === 'auto' ? `auto (${shown.cmap})` : name);
    o.selected = name === w.state.cmap;
    cmap.append(o);
  }
  const robust = h('input', {
    attrs: { type: 'checkbox', 'aria-label': 'Robust range' },
    dataset: { testid: 'robust' },
  });
  robust.checked = w.state.robust;
  const num = (which: 'vmin' | 'vmax', v: number) => {
    const el = h('input', {
      attrs: { type: 'number', step: 'any', value: fmt(v, 6), 'aria-label': which },
      dataset: { testid: which },
    });
    el.addEventListener('change', () => {
      const x = Number(el.value);
      w.state[which] = el.value === '' || !Number.isFinite(x) ? null : x;
      redraw();
    });
    return el;
  };
  cmap.addEventListener('change', () => {
    w.state.cmap = cmap.value as MapUiState['cmap'];
    redraw();
  });
  robust.addEventListener('change', () => {
    w.state.robust = robust.checked;
    w.state.vmin = null;
    w.state.vmax = null;
    redraw();
  });
  const reset = h('button', { class: 'link', dataset: { testid: 'range-reset' } }, 'reset');
  reset.addEventListener('click', () => {
    Object.assign(w.state, defaultMapState());
    redraw();
  });
  return h(
    'div',
    { class: 'map-controls' },
    h('label', null, 'colormap ', cmap),
    h('label', { title: "2nd–98th percentiles, like xarray's robust=True" }, robust, ' robust range'),
    h('label', null, 'min ', num('vmin', shown.lo)),
    h('label', null, 'max ', num('vmax', shown.hi)),
    reset,
  );
}

/** Controls, map and values table of one window; redraws itself when a control changes. */
export function renderMapWindow(w: MapWindow): HTMLElement {
  const root = h('div', { class: 'map-window' });
  const { model, rd, cd, r0, c0, nr, nc, values } = w;
  const rCal = timeCalendar(model.coords[rd]);
  const cCal = timeCalendar(model.coords[cd]);
  const rWin = w.rowCoord ? w.rowCoord.slice(r0, r0 + nr) : null;
  const cWin = w.colCoord ? w.colCoord.slice(c0, c0 + nc) : null;
  const rNum = numericCoord(rWin, rCal);
  const cNum = numericCoord(cWin, cCal);
  const flipped = rowsFlipped(rNum);
  const rUnits = model.coords[rd]?.attrs.units;
  const sameUnits = typeof rUnits === 'string' && rUnits !== '' && rUnits === model.coords[cd]?.attrs.units;
  const aspect = cellAspect(
    rNum,
    cNum,
    geoKind(rd, model.coords[rd]),
    geoKind(cd, model.coords[cd]),
    sameUnits,
  );
  const rowTicks = axisTicks(rWin, nr, r0, rCal, Math.max(3, Math.min(8, nr)));
  const colTicks = axisTicks(cWin, nc, c0, cCal, Math.max(3, Math.min(9, nc)));
  const label = (win: Value[] | null, start: number, i: number) => (win ? fmt(win[i]) : String(start + i));

  const draw = () => {
    w.onState({ ...w.state });
    const auto = colorRange(values, w.state.robust, w.dtype) ?? { lo: 0, hi: 1, diverging: false };
    const lo = w.state.vmin ?? auto.lo;
    const hi = w.state.vmax ?? auto.hi;
    const cmap: ColormapName =
      w.state.cmap === 'auto' ? (auto.diverging ? 'RdBu_r' : 'viridis') : w.state.cmap;
    root.replaceChildren(
      controls(w, { lo, hi, cmap }, draw),
      renderHeatmap({
        values,
        rows: nr,
        cols: nc,
        flipped,
        rowTicks,
        colTicks,
        rowTitle: axisTitle(model, rd),
        colTitle: axisTitle(model, cd),
        cellAspect: aspect,
        colormap: cmap,
        lo,
        hi: hi > lo ? hi : lo + 1e-12,
        describe: (i, j) => `${rd}=${label(rWin, r0, i)}, ${cd}=${label(cWin, c0, j)}`,
        onPick: w.onPick,
      }),
    );
  };
  draw();

  // The table lists rows in the map's order: the top row of the map is the first row here.
  const order = Array.from({ length: nr }, (_, k) => (flipped ? nr - 1 - k : k));
  const tableValues: Value[] = [];
  for (const i of order) for (let j = 0; j < nc; j++) tableValues.push(values[i * nc + j]);
  const table = section(
    'var-values',
    'Values',
    w.valuesTable(
      tableValues,
      nr,
      nc,
      order.map((i) => label(rWin, r0, i)),
      Array.from({ length: nc }, (_, j) => label(cWin, c0, j)),
    ),
    { open: w.isOpen('var-values', false), onToggle: w.onToggle },
  );
  return h('div', null, root, table);
}
