// `npm run keys:new -- --id desk --scopes read`: a new random API key (32 random bytes, base64url),
// printed once, and the entry to add to API_KEYS or API_KEYS_FILE (the key's sha256, never the key).
// Plain Node, no build: it runs from a clone and from the image alike. The entry's form is the one
// src/server/access/api-keys.ts parses (test/server/access/keys-new.test.ts checks they agree).
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const SCOPES = ['read', 'analyze', 'admin'];
const ID = /^[A-Za-z0-9._-]{1,64}$/;
const USAGE = 'usage: npm run keys:new -- --id <id> --scopes <read|analyze|admin joined by +>';

function fail(message) {
  process.stderr.write(`keys:new: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { id: { type: 'string' }, scopes: { type: 'string' }, help: { type: 'boolean' } } }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.id || !ID.test(values.id)) fail('--id must be 1 to 64 of A-Z a-z 0-9 . _ -');
const scopes = (values.scopes ?? '').split(/[+,]/).filter((scope) => scope !== '');
if (scopes.length === 0 || scopes.some((scope) => !SCOPES.includes(scope))) fail('--scopes must be read, analyze, admin joined by +');

const key = randomBytes(32).toString('base64url');
const entry = `${values.id}:${[...new Set(scopes)].join('+')}:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
process.stdout.write(
  [
    `API key ${values.id} (scopes ${scopes.join('+')}). It is shown only this once; the service keeps only its sha256:`,
    '',
    `  key: ${key}`,
    '',
    'Add this entry to API_KEYS (entries separated by commas) or as a line of API_KEYS_FILE, then restart:',
    '',
    `  entry: ${entry}`,
    '',
    'Clients send it as "Authorization: Bearer <key>" (graphql-ws: connection_init {"authorization": "Bearer <key>"}).',
    '',
  ].join('\n'),
);
