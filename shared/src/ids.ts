import { v5 as uuidv5 } from 'uuid';

/** Namespace of Moneta's deterministic ids (a fixed, random UUID). */
const MONETA_NAMESPACE = '6f1c2b0e-4a57-4f0b-9a43-5d1e0c7a8b21';

/**
 * A UUID derived from a kind and a natural key, the same on every machine and every run. Seeds
 * of different subgraphs agree on ids this way without reading each other's tables.
 */
export function stableId(kind: string, naturalKey: string): string {
  return uuidv5(`${kind}:${naturalKey}`, MONETA_NAMESPACE);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
