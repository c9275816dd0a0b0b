export * from './errors.js';
export * from './events.js';
export * from './scopes.js';
export * from './tokens.js';
export * from './wire.js';
