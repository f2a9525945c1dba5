/**
 * Every GraphQL operation the project ships, one document per operation (with the fragments it
 * uses), printed by graphql-js so that whitespace and comments do not change its hash:
 *   - examples/*.mjs: the gql`…` templates;
 *   - test/operations/*.graphql: the client documents the tests (and their Apollo/urql clients) send;
 *   - README.md's ```graphql blocks (`readme: true` only: measured, not registered).
 * Used by generate-persisted-operations.ts (the manifest) and measure-operations.ts (the limits).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

export interface ShippedOperation {
  /** Where it comes from: file and the operation's name (or its position). */
  origin: string;
  document: string;
  sha256: string;
}

const root = new URL('..', import.meta.url).pathname;

function fragmentsUsed(operation: DefinitionNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (fragment && !used.has(node.name.value)) {
          used.set(node.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...used.values()];
}

function split(source: string, file: string, first = 1): ShippedOperation[] {
  const document = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operations.map((operation, index) => {
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsed(operation, fragments)] };
    const text = print(single);
    return {
      origin: `${file} ${operation.name?.value ?? `(operation ${first + index})`}`,
      document: text,
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  });
}

const filesIn = (dir: string, extension: string): string[] =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => `${dir}/${name}`);

/** The documents clients send: examples/ and test/operations/. */
export function clientOperations(): ShippedOperation[] {
  const found: ShippedOperation[] = [];
  for (const file of filesIn('examples', '.mjs')) {
    const source = readFileSync(join(root, file), 'utf8');
    let count = 0;
    for (const match of source.matchAll(/gql`([^`]*)`/g)) {
      const operations = split(match[1]!, file, count + 1);
      count += operations.length;
      found.push(...operations);
    }
  }
  for (const file of filesIn('test/operations', '.graphql')) found.push(...split(readFileSync(join(root, file), 'utf8'), file));
  return found;
}

/** The README's example queries (not registered: they are for reading and pasting into GraphiQL). */
export function readmeOperations(): ShippedOperation[] {
  const source = readFileSync(join(root, 'README.md'), 'utf8');
  return [...source.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((match, index) => split(match[1]!, `README.md block ${index + 1}`));
}
