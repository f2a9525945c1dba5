/**
 * Assembles the schema: importing each type file registers it on the builder.
 */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './node.js';
import './data-quality.js';
import './market.js';
import './order-book.js';
import './insight.js';
import './business-metric.js';
import './source-status.js';
import './aggregate.js';
import './snapshot.js';
import './health.js';
import './query.js';
import './mutation.js';
import './subscription.js';
import './market-history-fields.js';

export const schema: GraphQLSchema = builder.toSchema();

/** The SDL checked in as schema/schema.graphql (sorted, so diffs show real changes only). */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
