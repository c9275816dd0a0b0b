/** `@antara/sdk/server`: exactly `@antara/server-sdk`, Antara for Node servers. */
export * from '@antara/server-sdk';
