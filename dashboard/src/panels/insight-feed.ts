/**
 * Anthropic's insights, newest first: the recent ones read once, then each new one as the model
 * writes it (insightStream), its reasoning appearing chunk by chunk under a "writing…" label until
 * the last chunk brings the finished insight: summary, sentiment, score (−1 bearish to +1
 * bullish), risk and confidence, and the markets it is about. Entries are kept by id, so a chunk
 * rewrites one text node, not the list. After a reconnect the recent insights are read again
 * (shaping/insights.ts merges them without repeats).
 */
import type { DashboardApi } from '../api/api.js';
import { InsightFeedDocument, InsightFeedStreamDocument } from '../generated/graphql.js';
import { formatClock } from '../shaping/format.js';
import { withChunk, withInsights, type FeedEntry } from '../shaping/insights.js';
import './insight-feed.css';
import { element, panelHeading } from './market-detail-dom.js';

const LIMIT = 20;
const SENTIMENT_CLASS: Record<string, string> = { BULLISH: 'up', BEARISH: 'down', NEUTRAL: '' };
const RISK_CLASS: Record<string, string> = { LOW: 'tag-good', MEDIUM: 'tag-warn', HIGH: 'tag-bad' };

const tag = (text: string, className = ''): HTMLSpanElement => element('span', `tag ${className}`.trim(), text);

const signed = (value: number): string => `${value > 0 ? '+' : value < 0 ? '−' : ''}${Math.abs(value).toFixed(2)}`;

interface Card {
  article: HTMLElement;
  /** What the card shows now, so an unchanged entry is not rebuilt. */
  shown: string;
}

function renderCard(card: Card, entry: FeedEntry): void {
  const { insight } = entry;
  const meta = element('div', 'insight-meta');
  if (insight) {
    const sentiment = tag(insight.sentiment, `insight-sentiment ${SENTIMENT_CLASS[insight.sentiment] ?? ''}`);
    const score = element('span', `num insight-score ${SENTIMENT_CLASS[insight.sentiment] ?? ''}`, signed(insight.sentimentScore));
    score.title = 'Sentiment score, −1 (bearish) to +1 (bullish)';
    const risk = tag(`${insight.riskLevel} risk`, RISK_CLASS[insight.riskLevel] ?? '');
    const confidence = element('span', 'num insight-confidence', `${Math.round(insight.confidence * 100)}% conf.`);
    meta.append(sentiment, score, risk, confidence);
  } else {
    meta.append(tag(entry.streaming ? 'writing…' : 'unfinished', 'tag-warn insight-writing'));
  }
  const time = element('time', 'num insight-time', formatClock(entry.at));
  time.dateTime = new Date(entry.at).toISOString();
  meta.append(time);

  const parts: HTMLElement[] = [meta];
  if (insight?.summary) {
    parts.push(element('p', 'insight-summary', insight.summary));
  }
  if (entry.text) {
    parts.push(element('p', entry.streaming ? 'insight-reasoning streaming' : 'insight-reasoning', entry.text));
  }
  if (insight && insight.tickers.length > 0) {
    const tickers = element('div', 'insight-tickers', insight.tickers.join(' · '));
    tickers.title = insight.keyFactors.join('\n');
    parts.push(tickers);
  }
  card.article.replaceChildren(...parts);
  card.article.classList.toggle('streaming', entry.streaming);
}

export function mountInsightFeed(panel: HTMLElement, api: DashboardApi): void {
  panel.replaceChildren();
  const { heading } = panelHeading('Insights', 'Anthropic · newest first');
  const list = element('div', 'panel-body insight-feed');
  list.dataset.testid = 'insight-feed';
  const empty = element('p', 'panel-empty', 'Loading insights…');
  list.append(empty);
  panel.append(heading, list);

  let feed: FeedEntry[] = [];
  const cards = new Map<string, Card>();

  const draw = (): void => {
    const wanted = new Set(feed.map((entry) => entry.id));
    for (const [id, card] of cards)
      if (!wanted.has(id)) {
        card.article.remove();
        cards.delete(id);
      }
    let cursor: ChildNode | null = empty.nextSibling;
    for (const entry of feed) {
      let card = cards.get(entry.id);
      if (!card) {
        const article = element('article', 'insight');
        article.dataset.insight = entry.id;
        card = { article, shown: '' };
        cards.set(entry.id, card);
      }
      const key = `${entry.streaming}|${entry.text.length}|${entry.insight?.id ?? ''}|${entry.at}`;
      if (card.shown !== key) {
        renderCard(card, entry);
        card.shown = key;
      }
      if (card.article !== cursor) list.insertBefore(card.article, cursor);
      cursor = card.article.nextSibling;
    }
    empty.hidden = feed.length > 0;
  };

  const read = (): void => {
    api
      .query(InsightFeedDocument, { limit: LIMIT })
      .then((data) => {
        feed = withInsights(feed, data.insights, LIMIT);
        if (feed.length === 0) empty.textContent = 'No insights yet: the next analysis appears here as it is written.';
        draw();
      })
      .catch((error: unknown) => {
        empty.textContent = `Insights could not be read: ${error instanceof Error ? error.message : String(error)}`;
      });
  };

  api.subscribe(InsightFeedStreamDocument, {}, (data) => {
    feed = withChunk(feed, data.insightStream, Date.now(), LIMIT);
    draw();
  });
  read();
  api.onReconnected(read);
}
