// GraphQL Code Generator: typed document nodes for the operations the tests (and examples) use,
// and for the dashboard's own operations, generated from the checked-in printed schema. Each
// output reads only its own documents (their operation names need only be unique within one).
// Run with `npm run generate`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const typedDocuments = {
  plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    scalars: { DateTime: 'string' },
    avoidOptionals: false,
  },
};

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  generates: {
    'test/generated/graphql.ts': { documents: ['test/operations/**/*.graphql'], ...typedDocuments },
    'dashboard/src/generated/graphql.ts': { documents: ['dashboard/src/operations/*.graphql'], ...typedDocuments },
  },
};

export default config;
