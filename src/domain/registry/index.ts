/** @module registry — the registry's ports (async interfaces), its row types and errors; adapters implement them. */
export * from './rows';
export * from './ports';
export * from './errors';
