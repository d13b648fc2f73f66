// uPlot charts that fill their container's width and follow it when the window resizes.
import uPlot from 'uplot';

export const INK = '#1f2937';
export const GRID = '#e5e7eb';
export const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';

/** An axis in the page's colours, with a title. */
export function axis(label: string, extra: uPlot.Axis = {}): uPlot.Axis {
  return { label, stroke: INK, font: FONT, labelFont: `600 ${FONT}`, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, ...extra };
}

/** A chart `height` pixels tall in `container`, as wide as it. */
export function mountChart(container: HTMLElement, height: number, options: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData): uPlot {
  container.replaceChildren();
  const chart = new uPlot({ ...options, width: container.clientWidth, height }, data, container);
  new ResizeObserver(() => {
    if (container.clientWidth !== chart.width) chart.setSize({ width: container.clientWidth, height });
  }).observe(container);
  return chart;
}
