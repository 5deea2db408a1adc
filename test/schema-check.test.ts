import { readFileSync } from 'node:fs';
import { checkSubgraph } from '../scripts/schema-check.js';

const market = readFileSync(new URL('../subgraphs/market/schema.graphql', import.meta.url), 'utf8');
const advice = readFileSync(new URL('../subgraphs/advice/schema.graphql', import.meta.url), 'utf8');

function edit(sdl: string, from: string, to: string): string {
  const changed = sdl.replace(from, to);
  if (changed === sdl) throw new Error(`"${from}" is not in the schema`);
  return changed;
}

describe('npm run check', () => {
  it('passes the schemas as committed', async () => {
    const report = await checkSubgraph('market');
    expect(report.passed).toBe(true);
    expect(report.breaking).toEqual([]);
  });

  it('catches a removed field that a shipped mobile operation uses, and names it', async () => {
    const report = await checkSubgraph('advice', {
      sdl: edit(advice, '  headline: String!\n', ''),
    });

    expect(report.passed).toBe(false);
    expect(report.breaking.map((change) => change.message)).toEqual([
      "Field 'headline' was removed from object type 'MarketSummary'",
    ]);
    const broken = report.brokenOperations.map(
      ({ operation }) => `${operation.client}/${operation.name}`,
    );
    expect(broken).toEqual(
      expect.arrayContaining(['mobile/MobileMarketSummary', 'web/MarketSummary']),
    );
  });

  it('passes an additive change', async () => {
    const report = await checkSubgraph('market', {
      sdl: edit(
        market,
        '  exchange: String!\n',
        '  exchange: String!\n  "ISIN, when known."\n  isin: String\n',
      ),
    });

    expect(report.passed).toBe(true);
    expect(report.safe.map((change) => change.message)).toContain(
      "Field 'isin' was added to object type 'Instrument'",
    );
  });

  it('fails a change that no longer composes', async () => {
    const report = await checkSubgraph('market', {
      sdl: edit(
        market,
        'type Instrument @key(fields: "id") @key(fields: "symbol") {\n  id: ID!',
        'type Instrument @key(fields: "id") @key(fields: "symbol") {\n  id: Int!',
      ),
    });
    expect(report.passed).toBe(false);
    expect(report.compositionErrors.join('\n')).toMatch(/Instrument\.id/);
  });

  it('holds a breaking change no client uses unless it is explicitly allowed', async () => {
    const sdl = edit(
      market,
      '  "Current exchange rates between the currencies instruments are priced in."\n' +
        '  fxRates: [FxRate!]!\n',
      '',
    );
    expect((await checkSubgraph('market', { sdl })).passed).toBe(false);
    const allowed = await checkSubgraph('market', { sdl, allowUnusedBreaking: true });
    expect(allowed.brokenOperations).toEqual([]);
    expect(allowed.passed).toBe(true);
  });
});
