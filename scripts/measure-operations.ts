/**
 * Measures every operation the project ships (operation-documents.ts) by the request limits'
 * own counters: aliases, depth, directives (graphql-armor's rules), tokens (armor's lexer) and
 * cost (limits/operation-cost.ts, variables absent: the schema's defaults). Prints a Markdown
 * table and the largest of each, which the defaults in limits-config.ts sit well above.
 *   npx tsx scripts/measure-operations.ts
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { buildSchema, Kind, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { readFileSync } from 'node:fs';
import { operationCost } from '../src/server/limits/operation-cost.js';
import { limitsFrom } from '../src/server/limits/limits-config.js';
import { clientOperations, readmeOperations } from './operation-documents.js';

export interface Measure {
  origin: string;
  aliases: number;
  depth: number;
  tokens: number;
  directives: number;
  cost: number;
}

const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));

function counted(document: DocumentNode, rule: (options: { n: number; onAccept: Array<(ctx: unknown, details: { n: number }) => void> }) => unknown): number {
  let n = 0;
  validate(schema, document, [rule({ n: Number.MAX_SAFE_INTEGER, onAccept: [(_ctx, details) => (n = Math.max(n, details.n))] }) as never]);
  return n;
}

export function measure(origin: string, text: string): Measure {
  let tokens = 0;
  const parser = new MaxTokensParserWLexer(text, {
    n: Number.MAX_SAFE_INTEGER,
    onAccept: [(_ctx: unknown, details: { n: number }) => (tokens = details.n)],
  });
  const document = parser.parseDocument();
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return {
    origin,
    aliases: counted(document, maxAliasesRule),
    depth: counted(document, maxDepthRule),
    tokens,
    directives: counted(document, maxDirectivesRule),
    cost: operationCost(schema, document, operation?.name?.value, {}, { listSize: limitsFrom({}, 'production').query.costListSize }),
  };
}

export function measureShipped(): Measure[] {
  return [...clientOperations(), ...readmeOperations()].map((o) => measure(o.origin, o.document));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = measureShipped();
  console.log('| operation | aliases | depth | tokens | directives | cost |\n|---|--:|--:|--:|--:|--:|');
  for (const r of rows) console.log(`| ${r.origin} | ${r.aliases} | ${r.depth} | ${r.tokens} | ${r.directives} | ${r.cost} |`);
  const max = (key: keyof Omit<Measure, 'origin'>) => Math.max(...rows.map((r) => r[key]));
  console.log(`| **largest** | ${max('aliases')} | ${max('depth')} | ${max('tokens')} | ${max('directives')} | ${max('cost')} |`);
}
