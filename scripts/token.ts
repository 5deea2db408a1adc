import { loadRouterConfig } from '../router/src/config.js';
import { createDevToken } from './dev-token.js';

const username = process.argv[2] ?? 'alice';
try {
  const config = loadRouterConfig();
  console.log(await createDevToken(username, config.JWT_SECRET));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
