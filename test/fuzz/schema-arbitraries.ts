/**
 * fast-check generators of GraphQL requests built from the real schema (schema/schema.graphql):
 * root fields, argument names and argument types come from it, so most documents parse and get as
 * far as validation, coercion or a resolver (near-valid, not noise). Each argument gets a value of
 * its type, a hostile one of its type (bad tickers, reversed or absurd date ranges, huge lists,
 * out-of-range numbers) or one of another type; some documents are then cut or spliced as text.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
} from 'graphql';

export const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));

/** A request as a client sends it: the document, and the variables as JSON (any JSON: they are fuzzed too). */
export interface FuzzRequest {
  query: string;
  variables?: unknown;
  operationName?: string;
}

/** An enum value written bare in a literal (JSON has no such thing). */
class EnumLiteral {
  constructor(readonly name: string) {}
}

type LiteralValue = null | boolean | number | string | EnumLiteral | LiteralValue[] | { [key: string]: LiteralValue };

/** The GraphQL literal of a value; NaN and ±Infinity print as names (the parser reads them as enum values). */
function printLiteral(value: LiteralValue): string {
  if (value === null) return 'null';
  if (value instanceof EnumLiteral) return value.name;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : 'Minus_Infinity';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(printLiteral).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, field]) => `${key}: ${printLiteral(field)}`)
    .join(', ')}}`;
}

/** As JSON for `variables`: enum values become their names (strings), which is how JSON carries them. */
function toJson(value: LiteralValue): unknown {
  if (value instanceof EnumLiteral) return value.name;
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, toJson(field)]));
  return value;
}

const hostileStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'kalshi:',
  'KX'.repeat(600),
  '../../../etc/passwd',
  "'; DROP TABLE market_ticks; --",
  '%00%ff',
  '\ud800',
  '🙂'.repeat(50),
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '\n\r\t',
);

/** Ticker-like strings: real ones (from the running service), near-real ones, and hostile ones. */
function tickerArb(tickers: readonly string[]): fc.Arbitrary<string> {
  const real = tickers.length > 0 ? fc.constantFrom(...tickers) : fc.constant('KXFAKE-26');
  return fc.oneof(
    { weight: 3, arbitrary: real },
    { weight: 1, arbitrary: real.map((ticker) => ticker.toLowerCase()) },
    { weight: 1, arbitrary: real.map((ticker) => `${ticker}-X`) },
    { weight: 2, arbitrary: hostileStrings },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }) },
  );
}

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 24, 12);

const dateTimeArb: fc.Arbitrary<string | number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: NOW - 400 * 24 * HOUR, max: NOW + 24 * HOUR }).map((ms) => new Date(ms).toISOString()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1970-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '2026-02-30T00:00:00Z',
      '2026-11-24T25:61:00Z',
      '2026-11-24',
      '2026-11-24T12:00:00',
      'yesterday',
      '',
      'NaN',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()) },
);

const intArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 200 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1000, 1001, 10_000, 2_147_483_647, 2_147_483_648, -2_147_483_649, 1e12, Number.MAX_SAFE_INTEGER, 1.5) },
);

const floatArb = fc.oneof(fc.double(), fc.constantFrom(1e308, -1e308, 5e-324, 0, -0));

/** Any value of the wrong kind for whatever the argument wants. */
const wrongKindArb: fc.Arbitrary<LiteralValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.constant(new EnumLiteral('ACTIVE')),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(
    fc.string({ minLength: 1, maxLength: 5 }).filter((key) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)),
    fc.integer(),
    { maxKeys: 3 },
  ),
);

/** A value for an input type: mostly of the type (good or hostile), sometimes of another kind. */
function inputValueArb(type: GraphQLInputType, argumentName: string, tickers: readonly string[], depth = 0): fc.Arbitrary<LiteralValue> {
  const ofType = typedValueArb(type, argumentName, tickers, depth);
  return fc.oneof({ weight: 6, arbitrary: ofType }, { weight: 1, arbitrary: wrongKindArb });
}

function typedValueArb(type: GraphQLInputType, argumentName: string, tickers: readonly string[], depth: number): fc.Arbitrary<LiteralValue> {
  if (isNonNullType(type)) return typedValueArb(type.ofType, argumentName, tickers, depth);
  if (isListType(type)) {
    const element = inputValueArb(type.ofType, argumentName, tickers, depth + 1);
    return fc.oneof(
      { weight: 5, arbitrary: fc.array(element, { maxLength: 4 }) },
      // Huge lists: one element repeated (cheap to build, as big on the wire).
      { weight: 1, arbitrary: fc.tuple(element, fc.integer({ min: 500, max: 5000 })).map(([value, count]) => Array.from({ length: count }, () => value)) },
      { weight: 1, arbitrary: element },
    );
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((value) => value.name);
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...names).map((name) => new EnumLiteral(name)) },
      { weight: 1, arbitrary: fc.constant(new EnumLiteral('NOT_A_VALUE')) },
    );
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc
      .record(
        Object.fromEntries(fields.map((field) => [field.name, inputValueArb(field.type, field.name, tickers, depth + 1)])) as Record<
          string,
          fc.Arbitrary<LiteralValue>
        >,
        {
          requiredKeys: [],
        },
      )
      .map((value) => value as { [key: string]: LiteralValue });
  }
  switch (type.name) {
    case 'String':
      return /ticker/i.test(argumentName)
        ? tickerArb(tickers)
        : fc.oneof(fc.constantFrom('agent:john:main', 'agent:nobody', ''), hostileStrings, fc.string({ maxLength: 30 }));
    case 'ID':
      return fc.oneof(
        fc.constantFrom(...tickers.map((ticker) => `kalshi:${ticker}`), 'kalshi:', 'insight:x', 'snapshot:1', ''),
        fc.base64String({ maxLength: 40 }),
        hostileStrings,
      );
    case 'DateTime':
      return dateTimeArb;
    case 'Int':
      return intArb;
    case 'Float':
      return floatArb;
    case 'Boolean':
      return fc.boolean();
    default:
      return wrongKindArb;
  }
}

function printType(type: GraphQLInputType): string {
  return type.toString();
}

/** A selection set for an output type, at most `depth` levels down; leaves get none. */
function selectionArb(type: GraphQLOutputType, depth: number, cache: Map<string, fc.Arbitrary<string>>, tickers: readonly string[]): fc.Arbitrary<string> {
  const named: GraphQLNamedType = getNamedType(type);
  if (isLeafType(named)) return fc.constant('');
  const key = `${named.name}:${depth}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let built: fc.Arbitrary<string>;
  if (isUnionType(named)) {
    built = fc.constant(' { __typename }');
  } else {
    const objectType = named as GraphQLObjectType;
    const fields = Object.values(objectType.getFields()).filter((field) => depth > 0 || isLeafType(getNamedType(field.type)));
    const leafFields = fields.filter((field) => isLeafType(getNamedType(field.type)));
    const usable = fields.length > 0 ? fields : leafFields;
    if (usable.length === 0) {
      built = fc.constant(' { __typename }');
    } else {
      const fieldArb = fc.oneof(...usable.map((field) => fieldSelectionArb(field, depth - 1, cache, tickers)));
      built = fc.array(fieldArb, { minLength: 1, maxLength: 3 }).map((parts) => ` { ${parts.join(' ')} }`);
    }
  }
  cache.set(key, built);
  return built;
}

/** One field with arguments (literal) and its selection. */
function fieldSelectionArb(
  field: GraphQLField<unknown, unknown>,
  depth: number,
  cache: Map<string, fc.Arbitrary<string>>,
  tickers: readonly string[],
): fc.Arbitrary<string> {
  const args = argumentsArb(field.args, tickers).map((values) => {
    const entries = Object.entries(values);
    return entries.length === 0 ? '' : `(${entries.map(([name, value]) => `${name}: ${printLiteral(value)}`).join(', ')})`;
  });
  const selection = depth < 0 ? fc.constant(isLeafType(getNamedType(field.type)) ? '' : ' { __typename }') : selectionArb(field.type, depth, cache, tickers);
  return fc.tuple(args, selection).map(([argText, selectionText]) => `${field.name}${argText}${selectionText}`);
}

/** Values for some of the arguments: required ones usually present, optional ones sometimes, now and then an unknown one. */
function argumentsArb(args: readonly GraphQLArgument[], tickers: readonly string[]): fc.Arbitrary<Record<string, LiteralValue>> {
  const entries = args.map((arg) => {
    const present = isNonNullType(arg.type) ? fc.nat(9).map((n) => n > 0) : fc.boolean();
    return fc
      .tuple(present, inputValueArb(arg.type, arg.name, tickers))
      .map(([isPresent, value]) => (isPresent ? ([[arg.name, value]] as Array<[string, LiteralValue]>) : []));
  });
  const unknown = fc.oneof(
    { weight: 9, arbitrary: fc.constant([] as Array<[string, LiteralValue]>) },
    { weight: 1, arbitrary: wrongKindArb.map((value) => [['notAnArgument', value]] as Array<[string, LiteralValue]>) },
  );
  return fc.tuple(fc.tuple(...entries), unknown).map(([parts, extra]) => Object.fromEntries([...parts.flat(), ...extra]));
}

type Operation = 'query' | 'mutation' | 'subscription';

function rootType(operation: Operation): GraphQLObjectType {
  const root = operation === 'query' ? schema.getQueryType() : operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) throw new Error(`the schema has no ${operation} type`);
  return root;
}

/** A root field whose arguments go through variables: `$v0: <type>` definitions (sometimes of the wrong type) and JSON values. */
function variableFieldArb(field: GraphQLField<unknown, unknown>, cache: Map<string, fc.Arbitrary<string>>, tickers: readonly string[]) {
  const wrongTypes = fc.constantFrom('String', 'Int', 'Float', '[String!]', 'DateTime!', 'Boolean', 'ID!', 'NotAType');
  const args = field.args.map((arg) =>
    fc.record({
      declaredType: fc.oneof({ weight: 5, arbitrary: fc.constant(printType(arg.type)) }, { weight: 1, arbitrary: wrongTypes }),
      value: inputValueArb(arg.type, arg.name, tickers),
      sendValue: fc.nat(9).map((n) => n > 0),
    }),
  );
  return fc.tuple(fc.tuple(...args), selectionArb(field.type, 2, cache, tickers)).map(([values, selection]) => {
    const definitions: string[] = [];
    const uses: string[] = [];
    const variables: Record<string, unknown> = {};
    values.forEach((spec, index) => {
      const arg = field.args[index]!;
      definitions.push(`$v${index}: ${spec.declaredType}`);
      uses.push(`${arg.name}: $v${index}`);
      if (spec.sendValue) variables[`v${index}`] = toJson(spec.value);
    });
    return { definitions, call: `${field.name}${uses.length > 0 ? `(${uses.join(', ')})` : ''}${selection}`, variables };
  });
}

/** Cuts, splices or pads the document text: most such documents no longer parse. */
const textMutationArb: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((at) => (text: string) => text.slice(0, at % (text.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom('{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '"', '\\', '#', '...', '\u0000', 'query', ' on ')).map(
    ([at, insert]) =>
      (text: string) =>
        text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.nat(200)).map(([at, count]) => (text: string) => {
    const from = at % (text.length + 1);
    return text.slice(0, from) + text.slice(from, from + 10).repeat(count) + text.slice(from);
  }),
  fc.constant((text: string) => `${text} ${text}`),
);

/** A request built from the schema: one to three root fields of one operation type, literals or variables, sometimes mangled. */
export function requestArb(options: { tickers: readonly string[]; operations?: readonly Operation[] }): fc.Arbitrary<FuzzRequest> {
  const { tickers } = options;
  const operations = options.operations ?? (['query', 'query', 'query', 'mutation', 'subscription'] as const);
  const cache = new Map<string, fc.Arbitrary<string>>();
  return fc.constantFrom(...operations).chain((operation) => {
    const fields = Object.values(rootType(operation).getFields());
    const literal = fc
      .array(
        fc.tuple(
          fc.option(fc.constantFrom('a', 'b', 'c', '__typename'), { nil: undefined }),
          fc.oneof(...fields.map((field) => fieldSelectionArb(field, 2, cache, tickers))),
        ),
        {
          minLength: 1,
          maxLength: operation === 'subscription' ? 1 : 3,
        },
      )
      .map((parts): FuzzRequest => ({ query: `${operation} { ${parts.map(([alias, text]) => (alias ? `${alias}: ${text}` : text)).join(' ')} }` }));
    const withVariables = fc.oneof(...fields.map((field) => variableFieldArb(field, cache, tickers))).map(({ definitions, call, variables }): FuzzRequest => ({
      query: `${operation} Fuzz${definitions.length > 0 ? `(${definitions.join(', ')})` : ''} { ${call} }`,
      variables,
      operationName: 'Fuzz',
    }));
    const wellFormed = fc.oneof({ weight: 3, arbitrary: literal }, { weight: 2, arbitrary: withVariables });
    return fc
      .tuple(wellFormed, fc.option(textMutationArb, { freq: 4, nil: undefined }))
      .map(([request, mutate]) => (mutate ? { ...request, query: mutate(request.query) } : request));
  });
}

/**
 * The JSON text of a `variables` field that is not an object of the declared variables: wrong JSON
 * kinds, nesting thousands of levels deep, objects of thousands of keys. Text, because a value
 * nested that deep cannot go through JSON.stringify (it runs out of stack), while JSON.parse reads it.
 */
export const hostileVariablesTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('"{\\"v0\\": 1}"', '42', 'true', '[1, 2, 3]', 'null', '{"v0": {"__proto__": {"polluted": true}}}'),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.integer({ min: 1000, max: 100_000 }).map((depth) => `{"v0": ${'['.repeat(depth)}"KXFAKE-26"${']'.repeat(depth)}}`),
  fc.integer({ min: 1000, max: 100_000 }).map((depth) => `{"v0": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  fc.integer({ min: 1000, max: 20_000 }).map((count) => JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, index) => [`v${index}`, index])))),
);
