/**
 * GraphiQL opens on a useful document instead of its welcome comment: the README's `aggregate`
 * query and `aggregateUpdated` subscription (the same selections), headed by a comment naming the
 * sources that serve simulated values, and pointing at the dashboard.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_QUERY, GRAPHIQL_SUBSCRIPTION, graphiqlDefaultDocument } from '../../src/server/graphiql-document.js';
import { startService, type RunningService } from '../support/service.js';

/** An operation's selections, printed (names and layout aside). */
const selections = (source: string): string[] =>
  parse(source)
    .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => `${operation.operation} ${print(operation.selectionSet)}`);

describe('GraphiQL default document', () => {
  let service: RunningService;

  beforeAll(async () => {
    // Every source on its simulator (the test default): the comment names all three.
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it("is the README's aggregate query and aggregateUpdated subscription", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((m) => selections(m[1]!));
    expect(blocks).toContain(selections(GRAPHIQL_QUERY)[0]);
    expect(blocks).toContain(selections(GRAPHIQL_SUBSCRIPTION)[0]);
    expect(selections(GRAPHIQL_QUERY)[0]).toMatch(/^query \{\n {2}aggregate /);
    expect(selections(GRAPHIQL_SUBSCRIPTION)[0]).toMatch(/^subscription \{\n {2}aggregateUpdated /);
  });

  it('is what the GraphiQL page opens with, naming the simulated sources', async () => {
    const response = await fetch(service.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const page = await response.text();
    const expected = graphiqlDefaultDocument(['kalshi', 'anthropic', 'john']);
    expect(expected).toContain('Simulated (values invented by the bundled simulators, SIMULATORS): KALSHI, ANTHROPIC, JOHN.');
    // The page embeds its options as JSON: the document appears JSON-escaped.
    expect(page).toContain(JSON.stringify(expected).slice(1, -1));
    // Both operations run as they stand (GraphiQL's document must be valid to run either).
    expect(() => parse(expected)).not.toThrow();
  });

  it('names only the simulated sources, and says so when none is', () => {
    expect(graphiqlDefaultDocument(['kalshi', 'john'])).toContain('SIMULATORS): KALSHI, JOHN.');
    expect(graphiqlDefaultDocument(['kalshi', 'john'])).not.toContain('ANTHROPIC');
    expect(graphiqlDefaultDocument([])).toContain('No source is simulated: every value comes from its real upstream.');
  });
});
