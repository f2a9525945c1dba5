import type { BusinessMetricRecord } from '../core/domain.js';
import { qualityOf } from '../core/quality.js';
import { builder } from './builder.js';
import { DataQualityRef } from './data-quality.js';
import { SourceEnum } from './enums.js';
import { NodeRef } from './node.js';

export const BusinessMetricRef = builder.objectRef<BusinessMetricRecord>('BusinessMetric').implement({
  interfaces: [NodeRef],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'metricName' in value,
  fields: (t) => ({
    id: t.exposeID('id'),
    source: t.expose('source', { type: SourceEnum }),
    agentId: t.exposeString('agentId'),
    metricName: t.exposeString('metricName'),
    metricValue: t.exposeFloat('metricValue'),
    metricUnit: t.exposeString('metricUnit', { description: '"USD", "count", "%" ...' }),
    period: t.expose('period', { type: 'DateTime' }),
    comparisonPeriodValue: t.exposeFloat('comparisonPeriodValue', { nullable: true }),
    quality: t.field({
      type: DataQualityRef,
      resolve: (metric, _args, ctx) => qualityOf(metric.source, metric.provenance, ctx.services.clock.now()),
    }),
  }),
});
