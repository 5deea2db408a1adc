/**
 * `npm run codegen`: the public API schema (for client types), GraphQL Code Generator's output
 * (codegen.ts), then the persisted query manifest. With --check nothing is written and the exit
 * status says whether anything generated is stale.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { printSchema } from 'graphql';
import config from '../codegen.js';
import {
  apiSchemaOf,
  buildManifest,
  manifestText,
  MANIFEST_PATH,
  readPersistedOperations,
} from './persisted-operations.js';
import { SUPERGRAPH_PATH } from './subgraphs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const API_SCHEMA_PATH = path.join(root, 'persisted-queries/generated/api-schema.graphql');

/** Every generated file and the text it should have, without writing anything. */
export async function generatedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const apiSchema = `${printSchema(apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8')))}\n`;
  files.set(API_SCHEMA_PATH, apiSchema);

  // Client types are generated against the API schema as it will be written.
  mkdirSync(path.dirname(API_SCHEMA_PATH), { recursive: true });
  const previous = existsSync(API_SCHEMA_PATH) ? readFileSync(API_SCHEMA_PATH, 'utf8') : undefined;
  writeFileSync(API_SCHEMA_PATH, apiSchema);
  try {
    const outputs = await generate({ ...config, cwd: root, silent: true }, false);
    for (const output of outputs) files.set(path.resolve(root, output.filename), output.content);
  } finally {
    if (previous !== undefined) writeFileSync(API_SCHEMA_PATH, previous);
  }

  files.set(MANIFEST_PATH, manifestText(buildManifest(readPersistedOperations())));
  return files;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const check = process.argv.includes('--check');
  const files = await generatedFiles();
  const stale = [...files].filter(
    ([file, content]) => !existsSync(file) || readFileSync(file, 'utf8') !== content,
  );
  if (check) {
    for (const [file] of stale) console.error(`stale: ${path.relative(root, file)}`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  for (const [file, content] of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  console.log(`Wrote ${files.size} files (${stale.length} changed).`);
}
