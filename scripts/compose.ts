import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSupergraph } from './composition.js';
import { SUPERGRAPH_PATH } from './subgraphs.js';

const result = composeSupergraph();
if (!result.ok) {
  console.error(`Composition failed with ${result.errors.length} error(s):`);
  for (const message of result.errors) console.error(`  - ${message}`);
  process.exit(1);
}

writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
console.log(`Wrote ${fileURLToPath(SUPERGRAPH_PATH)}`);
