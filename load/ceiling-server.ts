/**
 * The ceiling of `npm run bench:cache`, in a process of its own like the router: a plain
 * node:http server that answers `/<n>/graphql` with the n-th body it was given, with the
 * headers a cached answer carries. Started by the bench with an IPC channel: it receives
 * `{ bodies }`, listens on a free loopback port and replies `{ port }`.
 */
import { createServer } from 'node:http';

process.once('message', (message: { bodies: string[] }) => {
  const answers = message.bodies.map((body) => Buffer.from(body));
  const server = createServer((request, response) => {
    const index = Number(request.url?.split('/', 2)[1]);
    const body = answers[index];
    request.resume();
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/graphql-response+json; charset=utf-8',
      'cache-control': 'public, max-age=60',
      etag: 'W/"ceiling"',
      'x-cache': 'hit',
    });
    response.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
});

// The bench ends this process when it is done, and so does the bench's own exit.
process.on('disconnect', () => process.exit(0));
