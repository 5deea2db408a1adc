import { ESLint } from 'eslint';

const eslint = new ESLint();

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'import-x/no-restricted-paths')
    .map((message) => message.message);
}

describe('service boundaries', () => {
  it('refuses a subgraph importing another subgraph', async () => {
    const errors = await importErrors(
      'subgraphs/trading/src/probe.ts',
      "import { valuePortfolio } from '../../portfolio/src/valuation.js';\nvoid valuePortfolio;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/trading subgraph may import only its own/)]);
  });

  it('refuses the router importing a subgraph', async () => {
    const errors = await importErrors(
      'router/src/probe.ts',
      "import { resolvers } from '../../subgraphs/market/src/resolvers.js';\nvoid resolvers;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/over HTTP/)]);
  });

  it('refuses the shared library importing a service', async () => {
    const errors = await importErrors(
      'shared/src/probe.ts',
      "import { loadRouterConfig } from '../../router/src/config.js';\nvoid loadRouterConfig;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/must not depend/)]);
  });

  it('allows a subgraph its own code and the shared library', async () => {
    const errors = await importErrors(
      'subgraphs/trading/src/probe.ts',
      "import { isUuid } from '#shared';\nimport { MAX_SCALE } from './validation.js';\n" +
        'void isUuid;\nvoid MAX_SCALE;\n',
    );
    expect(errors).toEqual([]);
  });
});
