/**
 * The selected market's candles (lightweight-charts): last-trade OHLC in cents, the contracts
 * traded as a volume histogram along the bottom, and the YES bid/ask mid as a dotted line (a quiet
 * period has no candle but still a quote). Hourly bars further back, minute bars for today, all on
 * one axis in the viewer's local time; the view opens on the latest two hours and scrolls back.
 * The element carries `data-points` (bars drawn) for tests and automation.
 */
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  LineSeries,
  LineStyle,
  TickMarkType,
  type CandlestickData,
  type HistogramData,
  type IChartApi,
  type LineData,
  type Time,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';
import type { Bar } from '../shaping/candles.js';
import { followTheme, withAlpha, type ChartTheme } from './market-detail-theme.js';

export interface CandleChart {
  /** Replaces everything drawn with these bars (ascending). */
  setBars(bars: readonly Bar[]): void;
  /** After a live tick: all bars now, and the newest ones to redraw (applyTick's `changed`). */
  update(bars: readonly Bar[], changed: readonly Bar[]): void;
  clear(): void;
}

/** Bars in view when a market opens: two hours of minutes. */
const INITIAL_BARS = 120;

const timeOf = (bar: Bar): UTCTimestamp => (bar.start / 1000) as UTCTimestamp;
const cents = (dollars: number): number => Math.round(dollars * 1000) / 10;
/** Bars with something on the canvas: a candle or a point of the mid line. */
const countDrawn = (bars: readonly Bar[]): number => bars.filter((bar) => bar.close !== null || bar.mid !== null).length;
const pad = (n: number): string => String(n).padStart(2, '0');

function localLabel(time: Time, type: TickMarkType): string {
  const at = new Date((time as number) * 1000);
  switch (type) {
    case TickMarkType.Year:
      return String(at.getFullYear());
    case TickMarkType.Month:
    case TickMarkType.DayOfMonth:
      return at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    case TickMarkType.Time:
      return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
    case TickMarkType.TimeWithSeconds:
      return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  }
}

function crosshairLabel(time: Time): string {
  const at = new Date((time as number) * 1000);
  return `${at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

const centsFormat = {
  type: 'custom' as const,
  minMove: 0.1,
  formatter: (price: number) => `${Number.isInteger(price) ? price.toFixed(0) : price.toFixed(1)}¢`,
};

export function mountCandleChart(container: HTMLElement): CandleChart {
  const chart: IChartApi = createChart(container, {
    autoSize: true,
    timeScale: { timeVisible: true, secondsVisible: false, tickMarkFormatter: localLabel, rightOffset: 2 },
    localization: { timeFormatter: crosshairLabel },
    rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.22 } },
  });
  const candles = chart.addSeries(CandlestickSeries, { priceFormat: centsFormat, borderVisible: false });
  const mid = chart.addSeries(LineSeries, {
    priceFormat: centsFormat,
    lineWidth: 1,
    lineStyle: LineStyle.Dotted,
    priceLineVisible: false,
    lastValueVisible: false,
    crosshairMarkerVisible: false,
  });
  const volume = chart.addSeries(HistogramSeries, {
    priceScaleId: 'volume',
    priceFormat: { type: 'volume' },
    priceLineVisible: false,
    lastValueVisible: false,
  });
  chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });

  let theme: ChartTheme | null = null;
  let drawn = 0;

  const candleOf = (bar: Bar): CandlestickData | WhitespaceData =>
    bar.open === null || bar.high === null || bar.low === null || bar.close === null
      ? { time: timeOf(bar) }
      : { time: timeOf(bar), open: cents(bar.open), high: cents(bar.high), low: cents(bar.low), close: cents(bar.close) };
  const midOf = (bar: Bar): LineData | WhitespaceData => (bar.mid === null ? { time: timeOf(bar) } : { time: timeOf(bar), value: cents(bar.mid) });
  const volumeOf = (bar: Bar): HistogramData | WhitespaceData => {
    if (bar.volume <= 0) return { time: timeOf(bar) };
    const rising = bar.close !== null && bar.open !== null && bar.close >= bar.open;
    return { time: timeOf(bar), value: bar.volume, color: withAlpha(rising ? (theme?.up ?? '#0f8a4f') : (theme?.down ?? '#c2362f'), 0.35) };
  };

  /** The count is set once the chart has painted the frame (lightweight-charts draws on the next one). */
  const publish = (): void => {
    requestAnimationFrame(() => {
      container.dataset.points = String(drawn);
    });
  };

  let bars: readonly Bar[] = [];
  const drawAll = (): void => {
    candles.setData(bars.map(candleOf));
    mid.setData(bars.map(midOf));
    volume.setData(bars.map(volumeOf));
    drawn = countDrawn(bars);
    publish();
  };

  followTheme((next) => {
    theme = next;
    chart.applyOptions({
      layout: { background: { type: ColorType.Solid, color: next.background }, textColor: next.muted, fontFamily: next.font, fontSize: 11 },
      grid: { vertLines: { color: withAlpha(next.grid, 0.6) }, horzLines: { color: withAlpha(next.grid, 0.6) } },
      rightPriceScale: { borderColor: next.grid },
      timeScale: { borderColor: next.grid },
      crosshair: { vertLine: { color: next.faint, labelBackgroundColor: next.muted }, horzLine: { color: next.faint, labelBackgroundColor: next.muted } },
    });
    candles.applyOptions({ upColor: next.up, downColor: next.down, wickUpColor: next.up, wickDownColor: next.down });
    mid.applyOptions({ color: next.accent });
    if (bars.length > 0) volume.setData(bars.map(volumeOf));
  });

  return {
    setBars(next) {
      bars = next;
      drawAll();
      const count = bars.length;
      if (count > INITIAL_BARS) chart.timeScale().setVisibleLogicalRange({ from: count - INITIAL_BARS, to: count + 1 });
      else chart.timeScale().fitContent();
    },
    update(next, changed) {
      bars = next;
      for (const bar of changed) {
        candles.update(candleOf(bar));
        mid.update(midOf(bar));
        volume.update(volumeOf(bar));
      }
      drawn = countDrawn(bars);
      publish();
    },
    clear() {
      bars = [];
      drawAll();
    },
  };
}
