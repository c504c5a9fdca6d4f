// Colormaps as 256-entry RGBA lookup tables: matplotlib's perceptually uniform sequential maps
// (viridis by polynomial fit, magma and cividis from their published stops), RdBu_r (the diverging
// map xarray picks when the data cross 0) and gray. NaN is drawn transparent by the caller.

const VIRIDIS_C = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

function viridis(t: number): [number, number, number] {
  const rgb: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    let v = VIRIDIS_C[6][k];
    for (let i = 5; i >= 0; i--) v = VIRIDIS_C[i][k] + t * v;
    rgb[k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return rgb;
}

/** Evenly spaced stops, linearly interpolated. */
const STOPS: Record<string, string[]> = {
  magma: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
  cividis: [
    '#00224e',
    '#123570',
    '#3b496c',
    '#575d6d',
    '#707173',
    '#8a8779',
    '#a69d75',
    '#c4b56c',
    '#e4cf5b',
    '#fee838',
  ],
  RdBu_r: [
    '#053061',
    '#2166ac',
    '#4393c3',
    '#92c5de',
    '#d1e5f0',
    '#f7f7f7',
    '#fddbc7',
    '#f4a582',
    '#d6604d',
    '#b2182b',
    '#67001f',
  ],
  gray: ['#000000', '#ffffff'],
};

export const COLORMAPS = ['viridis', 'magma', 'cividis', 'RdBu_r', 'gray'] as const;
export type ColormapName = (typeof COLORMAPS)[number];
export const isColormap = (s: unknown): s is ColormapName => COLORMAPS.includes(s as ColormapName);

function fromStops(stops: string[], t: number): [number, number, number] {
  const rgb = stops.map((s) => [1, 3, 5].map((i) => Number.parseInt(s.slice(i, i + 2), 16)));
  const x = t * (rgb.length - 1);
  const i = Math.min(rgb.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(rgb[i][k] + f * (rgb[i + 1][k] - rgb[i][k]))) as [
    number,
    number,
    number,
  ];
}

const cache = new Map<ColormapName, Uint8ClampedArray>();

/** RGBA bytes, 4 per entry, entry 0 for the low end. */
export function lut(name: ColormapName): Uint8ClampedArray {
  let l = cache.get(name);
  if (!l) {
    l = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) {
      const t = i / 255;
      const [r, g, b] = name === 'viridis' ? viridis(t) : fromStops(STOPS[name], t);
      l.set([r, g, b, 255], i * 4);
    }
    cache.set(name, l);
  }
  return l;
}

export function cssColor(name: ColormapName, t: number): string {
  const l = lut(name);
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 4;
  return `rgb(${l[i]}, ${l[i + 1]}, ${l[i + 2]})`;
}
