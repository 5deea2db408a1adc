import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  await globalThis.__MONETA_TEST_STACK__?.stop();

  const { dropTestDatabase } = await tsImport('./database.ts', import.meta.url);
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  const name = process.env.TEST_DATABASE_NAME;
  if (adminUrl && name) await dropTestDatabase(adminUrl, name);
  await globalThis.__MONETA_TEST_DB_SERVER__?.stop();
}
