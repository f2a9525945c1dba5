import { builder } from './builder.js';
import { SourceEnum } from './enums.js';
import { InsightRef } from './insight.js';
import { SourceStatusRef } from './source-status.js';

builder.mutationFields((t) => ({
  requestInsight: t.field({
    type: InsightRef,
    description: 'Run an analysis now (budget and rate limits apply).',
    args: { tickers: t.arg.stringList() },
    resolve: (_root, { tickers }, ctx) => ctx.services.insights.request(tickers ?? null),
  }),
  resetBreaker: t.field({
    type: SourceStatusRef,
    description: 'Admin: force a breaker closed after an upstream incident.',
    args: { source: t.arg({ type: SourceEnum, required: true }) },
    resolve: (_root, { source }, ctx) => ctx.services.sources.resetBreaker(source),
  }),
}));
