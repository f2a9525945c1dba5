/**
 * What the simulated exchange lists: a handful of Kalshi-style series (economics, rates, weather,
 * sports), each able to mint its next event ("generation") when markets close and need replacing.
 * Tickers follow Kalshi's shape: series `KXCPI`, event `KXCPI-26DEC`, market `KXCPI-26DEC-T3.0`.
 */
import type { StrikeType } from '../../sources/kalshi/protocol.js';
import type { Prng } from '../../core/prng.js';

/** One market of an event, before it is listed. */
export interface MarketSpec {
  /** Appended to the event ticker: `T3.0`, `DAL`. */
  suffix: string;
  title: string;
  yesSubTitle: string;
  noSubTitle: string;
  strikeType: StrikeType | null;
  floorStrike: number | null;
  /** Initial fair YES price in cents (1..99). */
  fairCents: number;
  rulesPrimary: string;
}

export interface EventSpec {
  seriesTicker: string;
  eventTicker: string;
  markets: MarketSpec[];
}

export interface SeriesTemplate {
  seriesTicker: string;
  /** The event of the given generation (0 = the one listed at start), dated from `baseMs`. */
  event(generation: number, baseMs: number, rng: Prng): EventSpec;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAY_MS = 86_400_000;

function yy(date: Date): string {
  return String(date.getUTCFullYear() % 100).padStart(2, '0');
}
/** `26DEC` */
function monthCode(date: Date): string {
  return `${yy(date)}${MONTHS[date.getUTCMonth()]}`;
}
/** `26NOV25` */
function dayCode(date: Date): string {
  return `${monthCode(date)}${String(date.getUTCDate()).padStart(2, '0')}`;
}
function monthLabel(date: Date): string {
  return `${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}
function dayLabel(date: Date): string {
  return `${MONTH_NAMES[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}
function addMonths(baseMs: number, months: number): Date {
  const base = new Date(baseMs);
  return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + months, 1));
}

/** P(value > strike) for a value spread around `center`, as a price in cents kept off the rails. */
function aboveCents(center: number, strike: number, scale: number): number {
  const p = 1 / (1 + Math.exp(-(center - strike) / scale));
  return Math.min(96, Math.max(4, Math.round(p * 100)));
}

/** A ladder of "above X" markets, the commonest Kalshi shape. */
function ladder(
  seriesTicker: string,
  eventTicker: string,
  strikes: readonly number[],
  decimals: number,
  center: number,
  scale: number,
  describe: (strike: string) => { title: string; yes: string; no: string; rule: string },
): EventSpec {
  return {
    seriesTicker,
    eventTicker,
    markets: strikes.map((strike) => {
      const label = strike.toFixed(decimals);
      const text = describe(label);
      return {
        suffix: `T${label}`,
        title: text.title,
        yesSubTitle: text.yes,
        noSubTitle: text.no,
        strikeType: 'greater',
        floorStrike: strike,
        fairCents: aboveCents(center, strike, scale),
        rulesPrimary: text.rule,
      };
    }),
  };
}

/** A two-outcome game: one market per team, prices roughly complementary. */
function game(seriesTicker: string, date: Date, away: Team, home: Team, rng: Prng, league: string): EventSpec {
  const eventTicker = `${seriesTicker}-${dayCode(date)}${away.code}${home.code}`;
  const homeCents = rng.int(30, 70);
  const title = `${away.name} at ${home.name} Winner?`;
  const team = (t: Team, fairCents: number): MarketSpec => ({
    suffix: t.code,
    title,
    yesSubTitle: t.name,
    noSubTitle: t.name,
    strikeType: null,
    floorStrike: null,
    fairCents,
    rulesPrimary: `If ${t.name} wins the ${away.name} at ${home.name} ${league} game originally scheduled for ${dayLabel(date)}, then the market resolves to Yes.`,
  });
  return { seriesTicker, eventTicker, markets: [team(away, 100 - homeCents), team(home, homeCents)] };
}

interface Team {
  code: string;
  name: string;
}
const NFL: readonly (readonly [Team, Team])[] = [
  [
    { code: 'DAL', name: 'Dallas' },
    { code: 'KC', name: 'Kansas City' },
  ],
  [
    { code: 'GB', name: 'Green Bay' },
    { code: 'DET', name: 'Detroit' },
  ],
  [
    { code: 'BUF', name: 'Buffalo' },
    { code: 'PHI', name: 'Philadelphia' },
  ],
  [
    { code: 'SF', name: 'San Francisco' },
    { code: 'BAL', name: 'Baltimore' },
  ],
];
const NBA: readonly (readonly [Team, Team])[] = [
  [
    { code: 'LAL', name: 'Los Angeles L' },
    { code: 'BOS', name: 'Boston' },
  ],
  [
    { code: 'GSW', name: 'Golden State' },
    { code: 'NYK', name: 'New York' },
  ],
  [
    { code: 'DEN', name: 'Denver' },
    { code: 'MIA', name: 'Miami' },
  ],
  [
    { code: 'OKC', name: 'Oklahoma City' },
    { code: 'MIL', name: 'Milwaukee' },
  ],
];

function matchup(list: readonly (readonly [Team, Team])[], generation: number): readonly [Team, Team] {
  const pair = list[generation % list.length];
  if (!pair) throw new RangeError('empty matchup list');
  return pair;
}

/** The series the simulator lists: 5 + 5 + 5 + 4 + 2 + 2 = 23 markets across 6 events at start. */
export const SERIES: readonly SeriesTemplate[] = [
  {
    seriesTicker: 'KXCPI',
    event(generation, baseMs, rng) {
      const month = addMonths(baseMs, 1 + generation);
      const center = 2.6 + rng.int(0, 8) / 10;
      return ladder('KXCPI', `KXCPI-${monthCode(month)}`, [2.6, 2.8, 3.0, 3.2, 3.4], 1, center, 0.15, (k) => ({
        title: `Will CPI inflation be above ${k}% in ${monthLabel(month)}?`,
        yes: `Above ${k}%`,
        no: `${k}% or below`,
        rule: `If CPI inflation (year over year) for ${monthLabel(month)} is above ${k}%, then the market resolves to Yes.`,
      }));
    },
  },
  {
    seriesTicker: 'KXFED',
    event(generation, baseMs, rng) {
      // FOMC meets roughly every six to eight weeks: one event every other month.
      const month = addMonths(baseMs, 1 + 2 * generation);
      const center = 3.5 + rng.int(0, 4) * 0.125;
      return ladder('KXFED', `KXFED-${monthCode(month)}`, [3.25, 3.5, 3.75, 4.0, 4.25], 2, center, 0.12, (k) => ({
        title: `Will the upper bound of the federal funds rate be above ${k}% after the ${monthLabel(month)} meeting?`,
        yes: `Above ${k}%`,
        no: `${k}% or below`,
        rule: `If the upper bound of the federal funds target range is above ${k}% following the Fed's ${monthLabel(month)} meeting, then the market resolves to Yes.`,
      }));
    },
  },
  {
    seriesTicker: 'KXHIGHNY',
    event(generation, baseMs, rng) {
      const day = new Date(baseMs + (1 + generation) * DAY_MS);
      const center = 44 + rng.int(0, 8);
      return ladder('KXHIGHNY', `KXHIGHNY-${dayCode(day)}`, [44, 46, 48, 50, 52], 0, center, 1.5, (k) => ({
        title: `Will the high temperature in New York City be above ${k}°F on ${dayLabel(day)}?`,
        yes: `${k}° or above`,
        no: `Below ${k}°`,
        rule: `If the highest temperature recorded in Central Park, New York for ${dayLabel(day)} is above ${k}°F, then the market resolves to Yes.`,
      }));
    },
  },
  {
    seriesTicker: 'KXGDP',
    event(generation, baseMs, rng) {
      const base = new Date(baseMs);
      const quarterIndex = base.getUTCFullYear() * 4 + Math.floor(base.getUTCMonth() / 3) + generation;
      const year = Math.floor(quarterIndex / 4);
      const quarter = (quarterIndex % 4) + 1;
      const label = `Q${quarter} ${year}`;
      const center = 1.8 + rng.int(0, 8) / 10;
      const code = `${String(year % 100).padStart(2, '0')}Q${quarter}`;
      return ladder('KXGDP', `KXGDP-${code}`, [1.5, 2.0, 2.5, 3.0], 1, center, 0.3, (k) => ({
        title: `Will real GDP growth be above ${k}% in ${label}?`,
        yes: `Above ${k}%`,
        no: `${k}% or below`,
        rule: `If the advance estimate of annualized real GDP growth for ${label} is above ${k}%, then the market resolves to Yes.`,
      }));
    },
  },
  {
    seriesTicker: 'KXNFLGAME',
    event(generation, baseMs, rng) {
      const [away, home] = matchup(NFL, generation);
      return game('KXNFLGAME', new Date(baseMs + (2 + 7 * generation) * DAY_MS), away, home, rng, 'professional football');
    },
  },
  {
    seriesTicker: 'KXNBAGAME',
    event(generation, baseMs, rng) {
      const [away, home] = matchup(NBA, generation);
      return game('KXNBAGAME', new Date(baseMs + (1 + generation) * DAY_MS), away, home, rng, 'professional basketball');
    },
  },
];
