/**
 * `@antara/sdk` as a browser bundler resolves it (the "browser" export condition): only the web
 * SDK, so no server code (API keys, webhook secrets, node:crypto) ends up in a page.
 */
export * from '@antara/web-sdk';
