/** `npm run persist`: validates persisted-queries/ and writes its manifest. */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  apiSchemaOf,
  buildManifest,
  invalidOperations,
  manifestText,
  MANIFEST_PATH,
  readPersistedOperations,
} from './persisted-operations.js';
import { SUPERGRAPH_PATH } from './subgraphs.js';

const operations = readPersistedOperations();
const invalid = invalidOperations(apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8')), operations);
if (invalid.length > 0) {
  for (const { operation, errors } of invalid) {
    console.error(`${operation.file} (${operation.name}):`);
    for (const error of errors) console.error(`  - ${error}`);
  }
  process.exit(1);
}

writeFileSync(MANIFEST_PATH, manifestText(buildManifest(operations)));
console.log(`Wrote ${operations.length} operations to ${MANIFEST_PATH}`);
