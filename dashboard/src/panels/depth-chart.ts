/**
 * The selected market's order book as a depth chart (lightweight-charts' options chart, whose
 * horizontal scale is a price): bids on the left in the "up" colour, asks on the right in the
 * "down" colour, each the contracts available at that price or better, in steps; the spread is the
 * empty gap between them. An empty book and a crossed one say so over the chart. The element
 * carries `data-points` (price columns drawn) for tests and automation.
 */
import {
  AreaSeries,
  ColorType,
  createOptionsChart,
  LineType,
  type AreaData,
  type AutoscaleInfo,
  type DeepPartial,
  type PriceChartOptions,
  type WhitespaceData,
} from 'lightweight-charts';
import { depthGrid, type Depth } from '../shaping/depth.js';
import { formatCount } from '../shaping/format.js';
import './depth-chart.css';
import { followTheme, withAlpha } from './market-detail-theme.js';

export interface DepthChart {
  draw(depth: Depth): void;
  /** Nothing drawn; `note` says why (e.g. "No book yet"). */
  clear(note: string): void;
}

const centsLabel = (price: number): string => `${Number.isInteger(Math.round(price * 10) / 10) ? price.toFixed(0) : price.toFixed(1)}¢`;

export function mountDepthChart(container: HTMLElement): DepthChart {
  const chart = createOptionsChart(container, {
    autoSize: true,
    handleScroll: false,
    handleScale: false,
    localization: { precision: 0, timeFormatter: centsLabel, priceFormatter: formatCount },
    rightPriceScale: { scaleMargins: { top: 0.1, bottom: 0 } },
    timeScale: { fixLeftEdge: true, fixRightEdge: true },
  });
  const area = {
    lineType: LineType.WithSteps,
    lineWidth: 2 as const,
    priceLineVisible: false,
    lastValueVisible: false,
    // Depth is measured from nothing: the vertical scale starts at 0 contracts, whatever the book.
    autoscaleInfoProvider: (original: () => AutoscaleInfo | null): AutoscaleInfo | null => {
      const info = original();
      return info?.priceRange ? { ...info, priceRange: { minValue: 0, maxValue: info.priceRange.maxValue } } : info;
    },
  };
  const bids = chart.addSeries(AreaSeries, area);
  const asks = chart.addSeries(AreaSeries, area);
  const note = document.createElement('div');
  note.className = 'depth-note';
  container.append(note);

  followTheme((theme) => {
    chart.applyOptions({
      // lightweight-charts' attribution (its licence's NOTICE) is the logo on the candle chart.
      layout: {
        background: { type: ColorType.Solid, color: theme.background },
        textColor: theme.muted,
        fontFamily: theme.font,
        fontSize: 11,
        attributionLogo: false,
      },
      grid: { vertLines: { visible: false }, horzLines: { color: withAlpha(theme.grid, 0.6) } },
      rightPriceScale: { borderColor: theme.grid },
      timeScale: { borderColor: theme.grid },
      crosshair: { vertLine: { color: theme.faint, labelBackgroundColor: theme.muted }, horzLine: { color: theme.faint, labelBackgroundColor: theme.muted } },
    });
    bids.applyOptions({ lineColor: theme.up, topColor: withAlpha(theme.up, 0.35), bottomColor: withAlpha(theme.up, 0.04) });
    asks.applyOptions({ lineColor: theme.down, topColor: withAlpha(theme.down, 0.35), bottomColor: withAlpha(theme.down, 0.04) });
  });

  const show = (text: string): void => {
    note.textContent = text;
    note.hidden = text === '';
  };

  return {
    draw(depth) {
      const grid = depthGrid(depth);
      // Prices in cents on the axis; tenths of a cent only when the book has them.
      const xs = grid.prices.map((price) => Math.round(price * 1000) / 10);
      const column = (value: number | null, i: number): AreaData<number> | WhitespaceData<number> =>
        value === null ? { time: xs[i]! } : { time: xs[i]!, value };
      // The options chart's own option (PriceChartOptions), which applyOptions' base type lacks.
      const precision: DeepPartial<PriceChartOptions> = { localization: { precision: xs.some((x) => !Number.isInteger(x)) ? 1 : 0 } };
      chart.applyOptions(precision);
      bids.setData(grid.bids.map(column));
      asks.setData(grid.asks.map(column));
      chart.timeScale().fitContent();
      if (xs.length === 0) show('No resting orders');
      else if (depth.crossed) show('Crossed book: best bid at or above best ask');
      else show('');
      const drawn = grid.bids.filter((v) => v !== null).length + grid.asks.filter((v) => v !== null).length;
      requestAnimationFrame(() => {
        container.dataset.points = String(drawn);
      });
    },
    clear(text) {
      bids.setData([]);
      asks.setData([]);
      show(text);
      container.dataset.points = '0';
    },
  };
}
