// A 2-D slice drawn pixel per value on a canvas through the viridis LUT, with a colour bar and
// the value under the cursor. NaN is transparent (the checkerboard behind shows through).
import type { Value } from '../../preview/model';
import { fmt, h } from '../common/dom';
import { cssColor, LUT } from './colormap';

export interface HeatmapInput {
  values: Value[];
  rows: number;
  cols: number;
  /** Draw row 0 at the bottom (the row coordinate increases upwards, as xarray's plot does). */
  originLower: boolean;
  min: number | null;
  max: number | null;
  describe: (row: number, col: number) => string;
}

export function renderHeatmap(input: HeatmapInput): HTMLElement {
  const { values, rows, cols, originLower } = input;
  const canvas = h('canvas', {
    class: 'heatmap-canvas',
    attrs: { width: String(cols), height: String(rows), role: 'img' },
  });
  canvas.setAttribute('aria-label', `Heatmap, ${rows} by ${cols} values`);
  const ctx = canvas.getContext('2d');
  const lo = input.min ?? 0;
  const hi = input.max ?? 1;
  const span = hi - lo || 1;
  if (ctx) {
    const img = ctx.createImageData(cols, rows);
    const px = img.data;
    for (let r = 0; r < rows; r++) {
      const y = originLower ? rows - 1 - r : r;
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c];
        const o = (y * cols + c) * 4;
        const num = typeof v === 'boolean' ? (v ? 1 : 0) : v;
        if (typeof num !== 'number') {
          px[o + 3] = 0;
          continue;
        }
        const li = Math.max(0, Math.min(255, Math.floor(((num - lo) / span) * 255.999))) * 4;
        px[o] = LUT[li];
        px[o + 1] = LUT[li + 1];
        px[o + 2] = LUT[li + 2];
        px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }
  const readout = h(
    'div',
    { class: 'readout', attrs: { 'aria-live': 'polite' } },
    'Hover the map to read values',
  );
  canvas.addEventListener('mousemove', (ev) => {
    const rect = canvas.getBoundingClientRect();
    const c = Math.floor(((ev.clientX - rect.left) / rect.width) * cols);
    const y = Math.floor(((ev.clientY - rect.top) / rect.height) * rows);
    if (c < 0 || c >= cols || y < 0 || y >= rows) return;
    const r = originLower ? rows - 1 - y : y;
    readout.textContent = `${input.describe(r, c)} = ${fmt(values[r * cols + c])}`;
  });
  const aspect = Math.min(4, Math.max(0.25, rows / cols));
  canvas.style.aspectRatio = `${cols} / ${rows}`;
  canvas.style.maxHeight = `${Math.round(520 * Math.min(1, aspect))}px`;
  return h(
    'div',
    { class: 'heatmap' },
    h('div', { class: 'heatmap-row' }, h('div', { class: 'heatmap-frame' }, canvas), colorBar(lo, hi)),
    readout,
  );
}

export function colorBar(lo: number, hi: number): HTMLElement {
  const bar = h('div', {
    class: 'colorbar',
    role: 'img',
    attrs: { 'aria-label': `Colour scale from ${fmt(lo)} to ${fmt(hi)}` },
  });
  const stops: string[] = [];
  for (let i = 0; i <= 10; i++) stops.push(`${cssColor(1 - i / 10)} ${i * 10}%`);
  const grad = h('div', { class: 'colorbar-gradient' });
  grad.style.background = `linear-gradient(to bottom, ${stops.join(', ')})`;
  const labels = h(
    'div',
    { class: 'colorbar-labels' },
    h('span', null, fmt(hi, 4)),
    h('span', null, fmt((lo + hi) / 2, 4)),
    h('span', null, fmt(lo, 4)),
  );
  bar.append(grad, labels);
  return bar;
}
