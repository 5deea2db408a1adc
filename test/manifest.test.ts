import { readFileSync } from 'node:fs';
import {
  apiSchemaOf,
  buildManifest,
  invalidOperations,
  manifestText,
  MANIFEST_PATH,
  readPersistedOperations,
} from '../scripts/persisted-operations.js';
import { SUPERGRAPH_PATH } from '../scripts/subgraphs.js';

describe('persisted-queries/manifest.json', () => {
  it('is exactly what the operations in persisted-queries/ produce', () => {
    const expected = manifestText(buildManifest(readPersistedOperations()));
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(expected);
  });

  it('holds only operations that are valid against the committed supergraph', () => {
    const schema = apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    expect(invalidOperations(schema, readPersistedOperations())).toEqual([]);
  });

  it('covers both clients and every kind of screen', () => {
    const operations = readPersistedOperations();
    expect(new Set(operations.map((operation) => operation.client))).toEqual(
      new Set(['web', 'mobile']),
    );
    expect(operations.map((operation) => operation.name)).toEqual(
      expect.arrayContaining([
        'PortfolioOverview',
        'HoldingsWithQuotes',
        'OrderHistory',
        'PlaceOrder',
        'CancelOrder',
        'InstrumentDetail',
        'MarketSummary',
        'PortfolioAdvice',
      ]),
    );
  });
});
