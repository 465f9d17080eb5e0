import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEEP_ALIVE_MS } from '../support/engine/h1-dispatcher.ts';
import { createDispatcher, httpRequest } from '../support/engine/http.ts';

// A server as gunicorn's uvicorn workers are (ContextForge): keep-alive without a Keep-Alive hint, and idle
// connections closed after 2 s (gunicorn's keepalive default). A client that reuses a connection idle for that
// long sends its request as the server closes it: "other side closed", counted against the gateway (seen in CI:
// 1 of 200 calls of ContextForge's /rpc, with the client's keep-alive at 4 s).
describe('keep-alive: idle connections are dropped by the client before a 2 s server would drop them', () => {
  let server: Server;
  let origin = '';
  const connections = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      connections.add(socket);
      let idle = setTimeout(() => socket.end(), 2000);
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        clearTimeout(idle);
        buffered += chunk.toString();
        for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
          buffered = buffered.slice(end + 4);
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        }
        idle = setTimeout(() => socket.end(), 2000);
      });
      socket.on('close', () => clearTimeout(idle));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps idle connections for less than 2 s', () => {
    expect(CLIENT_KEEP_ALIVE_MS).toBeLessThan(2000);
  });

  for (const client of ['h1', 'undici'] as const) {
    it(`${client}: reuses a connection idle for 0.3 s, not one idle for 1.9 s (the server closes it at 2 s)`, async () => {
      connections.clear();
      const dispatcher = createDispatcher({ client, connections: 4 });
      try {
        const get = () => httpRequest(dispatcher, origin, { path: '/', signal: AbortSignal.timeout(5000) });
        await get();
        await new Promise((r) => setTimeout(r, 300));
        await get();
        expect(connections.size).toBe(1);
        await new Promise((r) => setTimeout(r, 1900));
        await get();
        expect(connections.size).toBe(2);
      } finally {
        await dispatcher.close();
      }
    });
  }
});
