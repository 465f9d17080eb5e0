import { HTTPParser } from 'http-parser-js';
import { describe, expect, it } from 'vitest';
import { parseWholeResponse } from '../support/engine/h1-whole-response.ts';

/** What http-parser-js, which reads every case, makes of one response. */
function reference(chunk: Buffer, head: boolean) {
  const parser = new HTTPParser(HTTPParser.RESPONSE);
  let status = 0;
  let statusMessage = '';
  let keepAlive = false;
  const headers: Record<string, string | string[]> = {};
  const body: Buffer[] = [];
  let complete = false;
  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    status = info.statusCode;
    statusMessage = info.statusMessage;
    keepAlive = info.shouldKeepAlive;
    for (let i = 0; i < info.headers.length; i += 2) {
      const name = info.headers[i]!.toLowerCase();
      const seen = headers[name];
      headers[name] = seen === undefined ? info.headers[i + 1]! : [...[seen].flat(), info.headers[i + 1]!];
    }
    return head ? 1 : undefined;
  };
  parser[HTTPParser.kOnBody] = (b, offset, length) => void body.push(b.subarray(offset, offset + length));
  parser[HTTPParser.kOnMessageComplete] = () => void (complete = true);
  parser.execute(chunk);
  return { status, statusMessage, headers, keepAlive, body: Buffer.concat(body).toString('latin1'), complete };
}

const response = (head: string, body = '') => Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');

const cases: [string, Buffer, boolean][] = [
  ['small JSON', response('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11', '{"ok":true}'), false],
  ['Node http defaults', response('HTTP/1.1 200 OK\r\nDate: Sun, 22 Nov 2026 12:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2', 'hi'), false],
  ['uvicorn-like', response('HTTP/1.1 202 Accepted\r\ndate: x\r\nserver: uvicorn\r\ncontent-length: 0'), false],
  ['multi-valued', response('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nSET-COOKIE: c=3\r\nContent-Length: 0'), false],
  ['connection close', response('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4', 'busy'), false],
  ['no reason phrase', response('HTTP/1.1 200\r\nContent-Length: 1', 'x'), false],
  ['spaces around values', response('HTTP/1.1 200 OK\r\nX-A:   padded  \r\nContent-Length:3', 'abc'), false],
  ['204', response('HTTP/1.1 204 No Content\r\nContent-Length: 0'), false],
  ['304 without length', response('HTTP/1.1 304 Not Modified\r\nETag: "x"'), false],
  ['HEAD with announced length', response('HTTP/1.1 200 OK\r\nContent-Length: 500'), true],
  ['chunked', response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', '2\r\nhi\r\n0\r\n\r\n'), false],
  ['until close', response('HTTP/1.1 200 OK\r\nContent-Type: text/plain', 'rest'), false],
  ['HTTP/1.0', response('HTTP/1.0 200 OK\r\nContent-Length: 2', 'hi'), false],
  ['1xx first', response('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2', 'hi'), false],
  ['body not all here', response('HTTP/1.1 200 OK\r\nContent-Length: 10', 'short'), false],
  ['two responses in one read', response('HTTP/1.1 200 OK\r\nContent-Length: 2', 'hiHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), false],
  ['folded header', response('HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0'), false],
  ['duplicate lengths', response('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2', 'hi'), false],
  ['bad length', response('HTTP/1.1 200 OK\r\nContent-Length: 2x', 'hi'), false],
  ['space before colon', response('HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 0'), false],
  ['not HTTP', response('SSH-2.0-OpenSSH\r\nContent-Length: 0'), false],
];

describe('parseWholeResponse (the h1 fast path)', () => {
  it.each(cases)('%s: reads it as http-parser-js does, or leaves it to http-parser-js', (_name, chunk, head) => {
    const fast = parseWholeResponse(chunk, head);
    if (!fast) return;
    const ref = reference(chunk, head);
    expect(ref.complete).toBe(true);
    expect(fast.status).toBe(ref.status);
    expect(fast.statusMessage).toBe(ref.statusMessage);
    expect(fast.headers).toEqual(ref.headers);
    expect(fast.keepAlive).toBe(ref.keepAlive);
    expect(chunk.subarray(fast.bodyStart, fast.bodyStart + fast.bodyLength).toString('latin1')).toBe(ref.body);
  });

  it('takes the common answers and leaves the rest', () => {
    const taken = cases.filter(([, chunk, head]) => parseWholeResponse(chunk, head)).map(([name]) => name);
    expect(taken).toEqual(['small JSON', 'Node http defaults', 'uvicorn-like', 'multi-valued', 'connection close', 'no reason phrase', 'spaces around values', '204', '304 without length', 'HEAD with announced length']);
  });

  it.each(cases)('%s: without headers, frames it as with them', (_name, chunk, head) => {
    const full = parseWholeResponse(chunk, head);
    const lean = parseWholeResponse(chunk, head, false);
    expect(lean === undefined).toBe(full === undefined);
    if (!full || !lean) return;
    expect(lean).toEqual({ ...full, headers: {}, statusMessage: '' });
  });

  it('reads the keep-alive hint', () => {
    expect(parseWholeResponse(cases[1]![1], false)?.keepAliveHint).toBe(5);
  });
});
