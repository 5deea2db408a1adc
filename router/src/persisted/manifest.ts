import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '#shared';

export interface ManifestOperation {
  id: string;
  name: string;
  type: string;
  body: string;
}

/** The operations clients shipped, by id; replaced whole when the manifest file changes. */
export interface ManifestSource {
  get(id: string): ManifestOperation | undefined;
  list(): readonly ManifestOperation[];
  readonly size: number;
  /** Called after every successful (re)load, with the operations now known. */
  onLoad(listener: (operations: readonly ManifestOperation[]) => void): void;
  close(): void;
}

function parseManifest(text: string, path: string): Map<string, ManifestOperation> {
  const manifest = JSON.parse(text) as { format?: string; operations?: ManifestOperation[] };
  if (
    manifest.format !== 'apollo-persisted-query-manifest' ||
    !Array.isArray(manifest.operations)
  ) {
    throw new Error(`${path} is not an Apollo persisted query manifest.`);
  }
  return new Map(manifest.operations.map((operation) => [operation.id, operation]));
}

/**
 * Loads the manifest and watches its file: a deploy that ships new client operations takes
 * effect without restarting the router. A file that does not parse is logged and ignored, and
 * the operations already loaded keep serving.
 */
export function loadManifest(path: string, logger: Logger, pollMs = 1_000): ManifestSource {
  const log = logger.child({ component: 'manifest' });
  let operations = parseManifest(readFileSync(path, 'utf8'), path);
  const listeners: ((operations: readonly ManifestOperation[]) => void)[] = [];
  log.info({ path, operations: operations.size }, 'persisted operations loaded');

  watchFile(path, { interval: pollMs, persistent: false }, (current, previous) => {
    if (current.mtimeMs === previous.mtimeMs) return;
    try {
      operations = parseManifest(readFileSync(path, 'utf8'), path);
      log.info({ operations: operations.size }, 'persisted operations reloaded');
      for (const listener of listeners) listener([...operations.values()]);
    } catch (error) {
      log.error({ err: error }, 'manifest change ignored: the file does not parse');
    }
  });

  return {
    get: (id) => operations.get(id),
    list: () => [...operations.values()],
    get size() {
      return operations.size;
    },
    onLoad(listener) {
      listeners.push(listener);
      listener([...operations.values()]);
    },
    close: () => unwatchFile(path),
  };
}
