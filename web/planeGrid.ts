// Where the maps are sampled: the centre of every cell of a grid over two features.

/** Where a map is sampled: `resolution` × `resolution` cell centres over the two features' ranges. */
export interface PlaneGrid {
  x: [number, number];
  y: [number, number];
  resolution: number;
}

/** The cell centres, row by row from the lowest second feature: resolution² × 2, row-major. */
export function gridPoints({ x: [x0, x1], y: [y0, y1], resolution: n }: PlaneGrid): Float64Array {
  const points = new Float64Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      points[(j * n + i) * 2] = x0 + ((i + 0.5) / n) * (x1 - x0);
      points[(j * n + i) * 2 + 1] = y0 + ((j + 0.5) / n) * (y1 - y0);
    }
  }
  return points;
}
