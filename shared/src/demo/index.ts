/** Demo and load-test data that several subgraphs' seeds must agree on. Never used at run time. */
export * from './fx.js';
export * from './generated.js';
export * from './instruments.js';
export * from './portfolios.js';
