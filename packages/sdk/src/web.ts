/** `@antara/sdk/web`: exactly `@antara/web-sdk`, "Login with Antara" in the browser. */
export * from '@antara/web-sdk';
