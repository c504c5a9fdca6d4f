// A 2-D slice drawn as a map: one canvas pixel per value (scaled without smoothing), axes with
// ticks at coordinate values, cells kept at their aspect (degrees square for lat/lon), a colour
// bar, the coordinates and value under the cursor, and a click that picks a cell. NaN is
// transparent: the checkerboard behind it shows through.
import type { Value } from '../../preview/model';
import { fmt, h } from '../common/dom';
import { type ColormapName, cssColor, lut } from './colormap';
import type { AxisTick } from './mapModel';

export interface HeatmapInput {
  values: Value[];
  rows: number;
  cols: number;
  /** Data row 0 is drawn at the bottom (the row coordinate grows upwards). */
  flipped: boolean;
  rowTicks: AxisTick[];
  colTicks: AxisTick[];
  rowTitle: string;
  colTitle: string;
  /** Height / width of a cell. */
  cellAspect: number;
  colormap: ColormapName;
  lo: number;
  hi: number;
  describe: (row: number, col: number) => string;
  onPick?: (row: number, col: number) => void;
}

const Y_TICKS_W = 64;
const COLORBAR_W = 88;

/**
 * The map's RGBA pixels (one per value, row 0 at the bottom when flipped, NaN transparent): the
 * whole of what a paint costs besides putImageData, so the bench can time it outside a browser.
 */
export function paintPixels(
  px: Uint8ClampedArray,
  input: Pick<HeatmapInput, 'values' | 'rows' | 'cols' | 'flipped' | 'lo' | 'hi' | 'colormap'>,
): void {
  const { values, rows, cols, flipped, lo, hi } = input;
  // One 32-bit store per pixel (RGBA packed in the platform's byte order) instead of four byte
  // stores: the colour table is packed once, 256 words.
  const words = new Uint32Array(px.buffer, px.byteOffset, rows * cols);
  const table = packedLut(input.colormap);
  const span = hi - lo || 1;
  for (let r = 0; r < rows; r++) {
    const row = (flipped ? rows - 1 - r : r) * cols;
    const from = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = values[from + c];
      const num = typeof v === 'number' ? v : typeof v === 'boolean' ? +v : Number.NaN;
      // NaN (and a missing value) is transparent.
      if (Number.isNaN(num)) {
        words[row + c] = 0;
        continue;
      }
      const t = ((num - lo) / span) * 255.999;
      words[row + c] = table[t <= 0 ? 0 : t >= 255 ? 255 : t | 0];
    }
  }
}

const packed = new Map<ColormapName, Uint32Array>();

/** The colormap's 256 colours as RGBA words, as a Uint8ClampedArray view of them reads back. */
function packedLut(name: ColormapName): Uint32Array {
  const hit = packed.get(name);
  if (hit) return hit;
  const bytes = new Uint8ClampedArray(256 * 4);
  bytes.set(lut(name));
  for (let i = 0; i < 256; i++) bytes[i * 4 + 3] = 255;
  const words = new Uint32Array(bytes.buffer);
  packed.set(name, words);
  return words;
}

function paint(canvas: HTMLCanvasElement, input: HeatmapInput): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(input.cols, input.rows);
  paintPixels(img.data, input);
  ctx.putImageData(img, 0, 0);
}

/** The largest frame that fits the width (and a height bound) with cells at their aspect. */
export function frameSize(
  available: number,
  maxHeight: number,
  rows: number,
  cols: number,
  aspect: number,
): { w: number; h: number } {
  const ratio = (rows * aspect) / cols;
  let w = Math.max(120, available);
  let hgt = w * ratio;
  if (hgt > maxHeight) {
    hgt = maxHeight;
    w = hgt / ratio;
  }
  if (hgt < 60) hgt = Math.min(60, maxHeight);
  return { w: Math.round(w), h: Math.round(hgt) };
}

export function renderHeatmap(input: HeatmapInput): HTMLElement {
  const { rows, cols, flipped } = input;
  const canvas = h('canvas', {
    class: 'heatmap-canvas',
    attrs: { width: String(cols), height: String(rows), role: 'img' },
  });
  canvas.setAttribute(
    'aria-label',
    `Map of ${rows} by ${cols} values, ${input.rowTitle} against ${input.colTitle}`,
  );
  paint(canvas, input);
  const marker = h('div', { class: 'cell-marker', attrs: { hidden: '' } });
  const frame = h('div', { class: 'heatmap-frame', dataset: { testid: 'map-frame' } }, canvas, marker);
  const yTicks = h('div', { class: 'ticks-y', dataset: { testid: 'ticks-y' } });
  const xTicks = h('div', { class: 'ticks-x', dataset: { testid: 'ticks-x' } });
  const tick = (t: AxisTick, axis: 'x' | 'y') =>
    h(
      'span',
      { class: `tick tick-${axis}`, dataset: { index: String(t.index), value: String(t.value ?? '') } },
      t.label,
    );
  const yTickEls = input.rowTicks.map((t) => tick(t, 'y'));
  const xTickEls = input.colTicks.map((t) => tick(t, 'x'));
  yTicks.append(...yTickEls);
  xTicks.append(...xTickEls);
  const bar = colorBar(input.colormap, input.lo, input.hi);
  const grid = h(
    'div',
    { class: 'map-grid' },
    h('div', { class: 'axis-title-y' }, input.rowTitle),
    yTicks,
    frame,
    bar,
    h('div', null),
    h('div', null),
    xTicks,
    h('div', null),
    h('div', null),
    h('div', null),
    h('div', { class: 'axis-title-x' }, input.colTitle),
  );
  const readout = h(
    'div',
    { class: 'readout', attrs: { 'aria-live': 'polite' }, dataset: { testid: 'readout' } },
    input.onPick
      ? 'Hover the map to read values; click a cell to plot its series'
      : 'Hover the map to read values',
  );
  const root = h('div', { class: 'heatmap' }, grid, readout);

  const layout = () => {
    const avail = (root.clientWidth || 700) - Y_TICKS_W - COLORBAR_W - 40;
    const maxH = Math.max(160, Math.min(620, Math.round(window.innerHeight * 0.7)));
    const { w, h: hh } = frameSize(avail, maxH, rows, cols, input.cellAspect);
    frame.style.width = `${w}px`;
    frame.style.height = `${hh}px`;
    yTicks.style.height = `${hh}px`;
    xTicks.style.width = `${w}px`;
    bar.style.height = `${hh}px`;
    input.rowTicks.forEach((t, i) => {
      const row = flipped ? rows - 1 - t.index : t.index;
      yTickEls[i].style.top = `${((row + 0.5) / rows) * hh}px`;
    });
    input.colTicks.forEach((t, i) => {
      xTickEls[i].style.left = `${((t.index + 0.5) / cols) * w}px`;
    });
  };
  new ResizeObserver(layout).observe(root);
  requestAnimationFrame(layout);

  const cellAt = (ev: MouseEvent): [number, number] | null => {
    const rect = canvas.getBoundingClientRect();
    const c = Math.floor(((ev.clientX - rect.left) / rect.width) * cols);
    const y = Math.floor(((ev.clientY - rect.top) / rect.height) * rows);
    if (c < 0 || c >= cols || y < 0 || y >= rows) return null;
    return [flipped ? rows - 1 - y : y, c];
  };
  canvas.addEventListener('mousemove', (ev) => {
    const cell = cellAt(ev);
    if (cell)
      readout.textContent = `${input.describe(cell[0], cell[1])} = ${fmt(input.values[cell[0] * cols + cell[1]])}`;
  });
  canvas.addEventListener('click', (ev) => {
    const cell = cellAt(ev);
    if (!cell || !input.onPick) return;
    const y = flipped ? rows - 1 - cell[0] : cell[0];
    marker.removeAttribute('hidden');
    marker.style.left = `${(cell[1] / cols) * 100}%`;
    marker.style.top = `${(y / rows) * 100}%`;
    marker.style.width = `${100 / cols}%`;
    marker.style.height = `${100 / rows}%`;
    input.onPick(cell[0], cell[1]);
  });
  return root;
}

export function colorBar(cmap: ColormapName, lo: number, hi: number): HTMLElement {
  const bar = h('div', {
    class: 'colorbar',
    role: 'img',
    attrs: { 'aria-label': `Colour scale ${cmap} from ${fmt(lo)} to ${fmt(hi)}` },
    dataset: { testid: 'colorbar' },
  });
  const stops: string[] = [];
  for (let i = 0; i <= 16; i++) stops.push(`${cssColor(cmap, 1 - i / 16)} ${(i * 100) / 16}%`);
  const grad = h('div', { class: 'colorbar-gradient' });
  grad.style.background = `linear-gradient(to bottom, ${stops.join(', ')})`;
  // Each label is centred on the height of the value it names, with a tick to the bar: spread
  // with space-between, the top and bottom labels sat half a line inside the values they mark.
  const label = (v: number, at: number) => {
    const el = h('span', { class: 'colorbar-label' }, fmt(v, 4));
    el.style.top = `${at}%`;
    return el;
  };
  const labels = h(
    'div',
    { class: 'colorbar-labels' },
    label(hi, 0),
    label((lo + hi) / 2, 50),
    label(lo, 100),
  );
  bar.append(grad, labels);
  return bar;
}
