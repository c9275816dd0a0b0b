// The baseline: Fastify's own hello world, in its own process, so that Antara's figures
// can be read as a share of what this machine's Node and Fastify manage at best.
import Fastify from 'fastify';

const port = Number(process.env.PORT);
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`hello-world listening on ${port}\n`);

process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
