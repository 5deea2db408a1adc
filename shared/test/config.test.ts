import { ConfigError } from '../src/errors.js';
import { envBoolean, envPort, loadConfig } from '../src/config.js';
import { subgraphEnvironment } from '../src/service-config.js';

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig({ ...subgraphEnvironment, PORT: envPort(4003) }, {});
    expect(config.PORT).toBe(4003);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.MIGRATE_ON_START).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the variable at fault', () => {
    expect(() => loadConfig({ PORT: envPort(1) }, { PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: envPort(1) }, { PORT: '70000' })).toThrow(
      /Configuration PORT is invalid/,
    );
    expect(() => loadConfig(subgraphEnvironment, { DATABASE_URL: 'not a url' })).toThrow(
      /DATABASE_URL/,
    );
  });

  it('reads booleans strictly', () => {
    expect(loadConfig({ FLAG: envBoolean(true) }, { FLAG: 'no' }).FLAG).toBe(false);
    expect(() => loadConfig({ FLAG: envBoolean(true) }, { FLAG: 'maybe' })).toThrow(/FLAG/);
  });
});
