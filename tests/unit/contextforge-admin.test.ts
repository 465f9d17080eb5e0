import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextForgeAdmin } from '../support/gateway/contextforge/contextforge.ts';

describe('ContextForgeAdmin.call against a server that drops connections', () => {
  let server: Server;
  let admin: ContextForgeAdmin;
  const seen: { method: string; connection: string | undefined }[] = [];
  let dropNext = 0;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method ?? '', connection: req.headers.connection });
      if (dropNext > 0) {
        dropNext--;
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ id: 't1', name: 'tool' }]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    admin = new ContextForgeAdmin(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks for a new connection on every call', async () => {
    seen.length = 0;
    await admin.call('GET', '/v1/tools');
    await admin.call('GET', '/v1/tools');
    expect(seen.map((s) => s.connection)).toEqual(['close', 'close']);
  });

  it('tries a GET again when its connection is reset, and succeeds', async () => {
    seen.length = 0;
    dropNext = 2;
    await expect(admin.call('GET', '/v1/tools')).resolves.toEqual([{ id: 't1', name: 'tool' }]);
    expect(seen).toHaveLength(3);
  });

  it('gives up on a GET after 3 resets, saying what failed and why', async () => {
    seen.length = 0;
    dropNext = 3;
    await expect(admin.call('GET', '/v1/tools')).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/v1\/tools failed after 3 attempt\(s\): fetch failed: .*(closed|reset|ECONNRESET|UND_ERR_SOCKET)/);
    expect(seen).toHaveLength(3);
  });

  it('does not repeat a POST (it may have been applied) and says why it failed', async () => {
    seen.length = 0;
    dropNext = 1;
    await expect(admin.call('POST', '/v1/gateways', { name: 'x' })).rejects.toThrow(/POST .*\/v1\/gateways failed after 1 attempt\(s\): fetch failed: ./);
    expect(seen).toHaveLength(1);
  });
});
