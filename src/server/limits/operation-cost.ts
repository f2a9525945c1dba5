/**
 * The cost of an operation: how many fields it would resolve, with list sizes multiplied in. A
 * list's size is its `limit` or `first` argument (the value sent, or the schema's default); a
 * `depth` or `first` on a field that is not itself a list (orderBook, a connection) sizes the lists
 * directly inside it (bids/asks, edges); any other list counts as QUERY_COST_LIST_SIZE entries.
 *
 * It needs the variables (`markets(limit: $n)` costs what `$n` says), so it is checked once they
 * are known, before execution: by the plugin below for HTTP and SSE (onExecute / onSubscribe), and
 * by the graphql-ws bridge right after validation (so the socket answers with an `error` message).
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { queryTooComplex } from './limit-errors.js';

/** Arguments that say how long a list is. */
const SIZE_ARGUMENTS = ['limit', 'first', 'depth'] as const;

export interface CostOptions {
  /** Assumed length of a list no argument sizes. */
  listSize: number;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  options: CostOptions;
  /** Fragment spreads being expanded (validation rejects cycles; this only keeps the walk finite). */
  expanding: Set<string>;
}

function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0]! : null;
}

/** The field's size argument as sent (literal or variable), else its schema default; null: none. */
function sizeOf(walk: Walk, node: FieldNode, field: GraphQLField<unknown, unknown>): number | null {
  for (const name of SIZE_ARGUMENTS) {
    const definition = field.args.find((a) => a.name === name);
    if (!definition) continue;
    const sent = node.arguments?.find((a) => a.name.value === name);
    const value = sent ? valueFromAST(sent.value, definition.type, walk.variables) : undefined;
    const size = value ?? definition.defaultValue;
    if (typeof size === 'number' && Number.isFinite(size)) return Math.max(0, size);
  }
  return null;
}

function selectionCost(walk: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, inheritedSize: number | null): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      if (!field) continue;
      total += multiplier;
      const named = getNamedType(field.type);
      if (!selection.selectionSet || !isCompositeType(named)) continue;
      const size = sizeOf(walk, selection, field);
      const isList = isListType(getNullableType(field.type));
      const childMultiplier = multiplier * (isList ? (size ?? inheritedSize ?? walk.options.listSize) : 1);
      total += selectionCost(walk, selection.selectionSet, named, childMultiplier, isList ? null : size);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) total += selectionCost(walk, selection.selectionSet, type, multiplier, inheritedSize);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      const type = fragment && walk.schema.getType(fragment.typeCondition.name.value);
      if (!fragment || !type || !isCompositeType(type) || walk.expanding.has(name)) continue;
      walk.expanding.add(name);
      total += selectionCost(walk, fragment.selectionSet, type, multiplier, inheritedSize);
      walk.expanding.delete(name);
    }
  }
  return total;
}

/** The operation's cost; 0 when the document names no operation to run (execution reports that). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  options: CostOptions,
): number {
  const operation = selectOperation(document, operationName);
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return selectionCost({ schema, fragments, variables: variables ?? {}, options, expanding: new Set() }, operation.selectionSet, root, 1, null);
}

/** The QUERY_TOO_COMPLEX error when the operation costs more than `maxCost`, else null. */
export function costRefusal(
  args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null | undefined;
    variableValues?: Record<string, unknown> | null | undefined;
  },
  limits: { maxCost: number; costListSize: number },
): GraphQLError | null {
  const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues, { listSize: limits.costListSize });
  if (cost <= limits.maxCost) return null;
  return queryTooComplex('cost', limits.maxCost, `cost limit of ${limits.maxCost} exceeded, found ${cost} (fields resolved, list sizes multiplied).`);
}

/** Refuses, before execution, an operation over the cost limit (HTTP and SSE; see graphql-ws.ts for sockets). */
export function useOperationCost(limits: { maxCost: number; costListSize: number }): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = costRefusal(args, limits);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refusal = costRefusal(args, limits);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}
