/**
 * Which scope each root field of an operation needs: `read` for every query and subscription
 * field, `analyze` for the requestInsight mutation, `admin` for every other mutation (resetBreaker,
 * and whatever changes state later: a new mutation is admin-only until it is listed here).
 * Root fields are collected through inline fragments and fragment spreads, and counted whether or
 * not an @skip/@include would drop them (a caller never gets less checking by adding a directive).
 */
import {
  getOperationAST,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Scope } from './principal.js';

/** Mutations that need less than `admin`. */
const MUTATION_SCOPES: Readonly<Record<string, Scope>> = { requestInsight: 'analyze', __typename: 'read' };

export interface RootField {
  /** The field's name (not its alias). */
  name: string;
  node: FieldNode;
  scope: Scope;
}

export interface OperationAccess {
  operation: OperationDefinitionNode;
  fields: RootField[];
}

/** null when the document holds no single operation to run (validation reports that, not access). */
export function operationAccess(document: DocumentNode, operationName: string | null | undefined): OperationAccess | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const nodes: FieldNode[] = [];
  collectFields(operation.selectionSet, fragments, new Set(), nodes);
  const scopeOf = (name: string): Scope => (operation.operation === OperationTypeNode.MUTATION ? (MUTATION_SCOPES[name] ?? 'admin') : 'read');
  return { operation, fields: nodes.map((node) => ({ name: node.name.value, node, scope: scopeOf(node.name.value) })) };
}

function collectFields(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, visited: Set<string>, into: FieldNode[]): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) into.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, fragments, visited, into);
    else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A cycle or an unknown fragment is a validation error; here it only must not loop.
      if (!fragment || visited.has(name)) continue;
      visited.add(name);
      collectFields(fragment.selectionSet, fragments, visited, into);
    }
  }
}
