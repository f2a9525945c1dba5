import type { InsightChunkRecord, InsightRecord } from '../core/domain.js';
import { qualityOf } from '../core/quality.js';
import { builder } from './builder.js';
import { DataQualityRef } from './data-quality.js';
import { RiskLevelEnum, SentimentEnum, SourceEnum } from './enums.js';
import { NodeRef } from './node.js';

export const InsightRef = builder.objectRef<InsightRecord>('Insight').implement({
  interfaces: [NodeRef],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'sentimentScore' in value,
  fields: (t) => ({
    id: t.exposeID('id'),
    source: t.expose('source', { type: SourceEnum }),
    tickers: t.exposeStringList('tickers'),
    sentiment: t.expose('sentiment', { type: SentimentEnum }),
    sentimentScore: t.exposeFloat('sentimentScore', { description: '-1.0 (bearish) to +1.0 (bullish).' }),
    keyFactors: t.exposeStringList('keyFactors'),
    riskLevel: t.expose('riskLevel', { type: RiskLevelEnum }),
    confidence: t.exposeFloat('confidence', { description: '0.0 to 1.0.' }),
    summary: t.exposeString('summary'),
    model: t.exposeString('model'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    quality: t.field({
      type: DataQualityRef,
      resolve: (insight, _args, ctx) => qualityOf(insight.source, insight.provenance, ctx.services.clock.now()),
    }),
  }),
});

export const InsightChunkRef = builder.objectRef<InsightChunkRecord>('InsightChunk').implement({
  fields: (t) => ({
    insightId: t.exposeID('insightId'),
    delta: t.exposeString('delta', { description: 'Text generated since the previous chunk.' }),
    done: t.exposeBoolean('done'),
    insight: t.expose('insight', { type: InsightRef, nullable: true, description: 'Set on the last chunk.' }),
  }),
});
