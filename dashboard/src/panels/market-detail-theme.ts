/**
 * The charts' colours, read from the page's CSS variables (styles.css defines them for the light
 * and the dark theme): canvas charts cannot use `var(--x)`, so they are handed the resolved values,
 * and handed them again when the system switches theme. Used by the candle, depth and P&L charts.
 */

export interface ChartTheme {
  background: string;
  text: string;
  muted: string;
  faint: string;
  grid: string;
  up: string;
  down: string;
  accent: string;
  warn: string;
  font: string;
}

const FALLBACK: ChartTheme = {
  background: '#ffffff',
  text: '#1c2330',
  muted: '#5f6b7a',
  faint: '#8a94a3',
  grid: '#dfe2e7',
  up: '#0f8a4f',
  down: '#c2362f',
  accent: '#2563eb',
  warn: '#a86400',
  font: 'system-ui, sans-serif',
};

export function chartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--panel', FALLBACK.background),
    text: read('--text', FALLBACK.text),
    muted: read('--muted', FALLBACK.muted),
    faint: read('--faint', FALLBACK.faint),
    grid: read('--panel-border', FALLBACK.grid),
    up: read('--up', FALLBACK.up),
    down: read('--down', FALLBACK.down),
    accent: read('--accent', FALLBACK.accent),
    warn: read('--warn', FALLBACK.warn),
    font: read('--font', FALLBACK.font),
  };
}

/** Calls `apply` with the theme now and after every light/dark switch. */
export function followTheme(apply: (theme: ChartTheme) => void): void {
  apply(chartTheme());
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => apply(chartTheme()));
}

/** `#rrggbb` (or any colour) with an alpha, for area fills. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return color;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
