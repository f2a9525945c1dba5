/**
 * Every GraphQL operation the project ships, one document per operation (with the fragments it
 * uses), printed by graphql-js so that whitespace and comments do not change its hash:
 *   - examples/*.mjs: the gql`…` templates;
 *   - test/operations/*.graphql: the client documents the tests (and their Apollo/urql clients) send;
 *   - dashboard/src/operations/*.graphql: the dashboard's (one file per panel; a fragment may be
 *     defined in any of them, as codegen allows);
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
  /** The operation's name, when it has one. */
  name: string | undefined;
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

function fragmentsOf(document: DocumentNode, into = new Map<string, FragmentDefinitionNode>()): Map<string, FragmentDefinitionNode> {
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) into.set(d.name.value, d);
  return into;
}

/** Each operation of `source` with the fragments it uses (from `source`, or from `shared` when given). */
function split(source: string, file: string, first = 1, shared?: Map<string, FragmentDefinitionNode>): ShippedOperation[] {
  const document = parse(source);
  const fragments = shared ?? fragmentsOf(document);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operations.map((operation, index) => {
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsed(operation, fragments)] };
    const text = print(single);
    return {
      origin: `${file} ${operation.name?.value ?? `(operation ${first + index})`}`,
      name: operation.name?.value,
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

/** The dashboard's documents (dashboard/src/operations/), fragments shared across its files. */
export function dashboardOperations(): ShippedOperation[] {
  const files = filesIn('dashboard/src/operations', '.graphql').map((file) => ({ file, source: readFileSync(join(root, file), 'utf8') }));
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { source } of files) fragmentsOf(parse(source), fragments);
  return files.flatMap(({ file, source }) => split(source, file, 1, fragments));
}

/** The documents clients send: examples/, test/operations/ and the dashboard's. */
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
  found.push(...dashboardOperations());
  return found;
}

/** The README's example queries (not registered: they are for reading and pasting into GraphiQL). */
export function readmeOperations(): ShippedOperation[] {
  const source = readFileSync(join(root, 'README.md'), 'utf8');
  return [...source.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((match, index) => split(match[1]!, `README.md block ${index + 1}`));
}
