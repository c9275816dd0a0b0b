import { freePort, type ServerProcess, startServerProcess } from './server-process.js';

export interface BaselineServer {
  readonly url: string;
  readonly process: ServerProcess;
}

/** Starts the Fastify hello world (bench/servers/hello-world.ts) in its own process. */
export async function startHelloWorld(): Promise<BaselineServer> {
  const port = await freePort();
  const process = await startServerProcess({
    name: 'hello-world',
    script: 'bench/servers/hello-world.ts',
    env: { PORT: String(port), NODE_ENV: 'production' },
    readyLine: /^hello-world listening/,
  });
  return { url: `http://127.0.0.1:${port}`, process };
}
