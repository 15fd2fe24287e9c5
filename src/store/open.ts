/**
 * Opens the snapshot store a `--db` value names: a `postgres://` or `postgresql://` URL opens
 * PostgreSQL (the driver is loaded only then), anything else is a SQLite file path.
 */
import { Store } from './store.js';
import type { SnapshotStore } from './types.js';

export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

export interface OpenOptions {
  /** a reader: never creates the database or its schema, and fails at once when it is not a talentmatch store */
  readonly?: boolean;
}

export async function openStore(db: string, o: OpenOptions = {}): Promise<SnapshotStore> {
  if (isPostgresUrl(db)) {
    const { PostgresStore } = await import('./postgres.js');
    return PostgresStore.open(db, o);
  }
  return new Store(db, o);
}

/** The --db value as it may be printed: a URL's password replaced by `***`. */
export function describeDb(db: string): string {
  return isPostgresUrl(db) ? db.replace(/^(postgres(?:ql)?:\/\/[^:@/?#]*:)[^@/?#]*@/i, '$1***@') : db;
}
