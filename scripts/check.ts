/**
 * `npm run check -- <subgraph> [--allow-unused-breaking]`: composes the supergraph with that
 * subgraph's working-tree schema, lists changes against the committed supergraph, and names
 * every shipped client operation the change would break. Exits 1 on any breakage.
 */
import { parseArgs } from 'node:util';
import { checkSubgraph, formatReport } from './schema-check.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'allow-unused-breaking': { type: 'boolean', default: false } },
});
const subgraph = positionals[0];
if (!subgraph) {
  console.error(
    'Usage: npm run check -- <portfolio|trading|market|advice> [--allow-unused-breaking]',
  );
  process.exit(2);
}

try {
  const report = await checkSubgraph(subgraph, {
    allowUnusedBreaking: values['allow-unused-breaking'],
  });
  console.log(formatReport(report));
  process.exit(report.passed ? 0 : 1);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
