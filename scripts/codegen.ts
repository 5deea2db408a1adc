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
const CLIENT_TYPES_TARGET = 'persisted-queries/generated/operations.ts';

/** Every generated file and the text it should have, without writing anything. */
export async function generatedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const apiSchema = `${printSchema(apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8')))}\n`;
  files.set(API_SCHEMA_PATH, apiSchema);

  // Client types are generated from the API schema computed here, not from the file on disk,
  // so that a check never reads (or has to write) a stale copy.
  const generates = Object.fromEntries(
    Object.entries(config.generates).map(([target, entry]) => [
      target,
      target === CLIENT_TYPES_TARGET ? { ...entry, schema: apiSchema } : entry,
    ]),
  );
  const outputs = await generate({ ...config, generates, cwd: root, silent: true }, false);
  for (const output of outputs) files.set(path.resolve(root, output.filename), output.content);

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
