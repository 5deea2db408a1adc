import { readFileSync } from 'node:fs';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { composeSupergraph } from './composition.js';
import {
  apiSchemaOf,
  invalidOperations,
  readPersistedOperations,
  type PersistedOperation,
} from './persisted-operations.js';
import { SUBGRAPHS, SUPERGRAPH_PATH, readSubgraphSchema } from './subgraphs.js';

export interface SchemaCheckReport {
  subgraph: string;
  compositionErrors: string[];
  breaking: Change[];
  dangerous: Change[];
  safe: Change[];
  /** Shipped client operations that would no longer validate, with the reasons. */
  brokenOperations: { operation: PersistedOperation; errors: string[] }[];
  /** True when the change may ship. */
  passed: boolean;
}

export interface SchemaCheckOptions {
  /** The subgraph's proposed SDL; default its schema.graphql in the working tree. */
  sdl?: string;
  /** The supergraph in production; default the committed supergraph.graphql. */
  baselineSupergraph?: string;
  /** Let breaking changes through when no persisted operation uses what they break. */
  allowUnusedBreaking?: boolean;
}

/**
 * What a subgraph team runs before deploying: does the graph still compose with this schema,
 * what changes for clients, and which shipped client operations would break.
 */
export async function checkSubgraph(
  subgraph: string,
  options: SchemaCheckOptions = {},
): Promise<SchemaCheckReport> {
  if (!SUBGRAPHS.some(({ name }) => name === subgraph)) {
    throw new Error(
      `Unknown subgraph "${subgraph}": use one of ${SUBGRAPHS.map((s) => s.name).join(', ')}.`,
    );
  }
  const sdl = options.sdl ?? readSubgraphSchema(subgraph);
  const composed = composeSupergraph({ [subgraph]: sdl });
  const empty = { breaking: [], dangerous: [], safe: [], brokenOperations: [] };
  if (!composed.ok) {
    return { subgraph, compositionErrors: composed.errors, ...empty, passed: false };
  }

  const before = apiSchemaOf(options.baselineSupergraph ?? readFileSync(SUPERGRAPH_PATH, 'utf8'));
  const after = apiSchemaOf(composed.supergraphSdl);
  const changes = await diff(before, after);
  const level = (wanted: CriticalityLevel) =>
    changes.filter((change) => change.criticality.level === wanted);

  const breaking = level(CriticalityLevel.Breaking);
  const brokenOperations = invalidOperations(after, readPersistedOperations());
  const passed =
    brokenOperations.length === 0 &&
    (breaking.length === 0 || options.allowUnusedBreaking === true);

  return {
    subgraph,
    compositionErrors: [],
    breaking,
    dangerous: level(CriticalityLevel.Dangerous),
    safe: level(CriticalityLevel.NonBreaking),
    brokenOperations,
    passed,
  };
}

export function formatReport(report: SchemaCheckReport): string {
  const lines = [`Schema check for ${report.subgraph}:`];
  if (report.compositionErrors.length > 0) {
    lines.push('  Composition failed:');
    for (const error of report.compositionErrors) lines.push(`    ✗ ${error}`);
  }
  const section = (title: string, changes: Change[], mark: string) => {
    if (changes.length === 0) return;
    lines.push(`  ${title}:`);
    for (const change of changes) lines.push(`    ${mark} ${change.message}`);
  };
  section('Breaking changes', report.breaking, '✗');
  section('Dangerous changes', report.dangerous, '!');
  section('Safe changes', report.safe, '✓');
  if (report.brokenOperations.length > 0) {
    lines.push('  Client operations that would break:');
    for (const { operation, errors } of report.brokenOperations) {
      lines.push(
        `    ✗ ${operation.client} ${operation.name} ` +
          `(${operation.file}, id ${operation.id.slice(0, 12)}…)`,
      );
      for (const error of errors) lines.push(`        ${error}`);
    }
  }
  if (
    report.compositionErrors.length === 0 &&
    report.breaking.length + report.dangerous.length + report.safe.length === 0
  ) {
    lines.push('  No change to the public graph.');
  }
  lines.push(report.passed ? 'PASS: safe to deploy.' : 'FAIL: do not deploy this schema.');
  return lines.join('\n');
}
