import { readFileSync } from 'node:fs';
import { composeSupergraph } from '../scripts/composition.js';
import { SUPERGRAPH_PATH } from '../scripts/subgraphs.js';

describe('supergraph.graphql', () => {
  it('is exactly what composing the subgraph schemas produces', () => {
    const result = composeSupergraph();
    if (!result.ok) throw new Error(result.errors.join('\n'));

    const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
    expect(committed).toBe(result.supergraphSdl);
  });

  it('is reported stale when a subgraph schema changes', () => {
    const market = readFileSync(
      new URL('../subgraphs/market/schema.graphql', import.meta.url),
      'utf8',
    );
    const changed = market.replace(
      '  exchange: String!\n',
      '  exchange: String!\n  isin: String\n',
    );
    expect(changed).not.toBe(market);

    const result = composeSupergraph({ market: changed });
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.supergraphSdl).not.toBe(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  });

  it('fails with the composition errors when subgraphs disagree', () => {
    const trading = readFileSync(
      new URL('../subgraphs/trading/schema.graphql', import.meta.url),
      'utf8',
    );
    const broken = trading.replace(
      'type Instrument @key(fields: "id", resolvable: false) {\n  id: ID!\n}',
      'type Instrument @key(fields: "id", resolvable: false) {\n  id: Int!\n}',
    );
    expect(broken).not.toBe(trading);

    const result = composeSupergraph({ trading: broken });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/Instrument\.id/);
  });
});
