import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run codegen', () => {
  // GraphQL Code Generator's plugins are ES modules that jest's VM cannot require, so the
  // check runs as its own process, exactly as a developer or CI would run it.
  it('has written exactly what it would generate now', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/codegen.ts', '--check'])
      .then(() => ({ code: 0, stderr: '' }))
      .catch((error: { code: number; stderr: string }) => error);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
