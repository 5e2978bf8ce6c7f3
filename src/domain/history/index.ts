/** @module domain/history — a model's timeline and the comparison of two versions, from registry records. */
export * from './timeline';
export * from './compare';
