// Viridis as a 256-entry lookup table (polynomial fit of matplotlib's viridis): perceptually
// uniform and readable in light, dark and high-contrast themes.
const C = [
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
    let v = C[6][k];
    for (let i = 5; i >= 0; i--) v = C[i][k] + t * v;
    rgb[k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  return rgb;
}

/** RGBA bytes, 4 per entry. */
export const LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = viridis(i / 255);
    lut.set([r, g, b, 255], i * 4);
  }
  return lut;
})();

export function cssColor(t: number): string {
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 4;
  return `rgb(${LUT[i]}, ${LUT[i + 1]}, ${LUT[i + 2]})`;
}
