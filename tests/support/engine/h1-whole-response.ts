/**
 * The h1 dispatcher's fast path: a chunk that holds exactly one whole HTTP/1.1 response with a
 * Content-Length (what a small answer on a keep-alive connection almost always is) is read here in
 * one pass. Anything else (chunked, read until close, HTTP/1.0, 1xx, folded or odd headers, a
 * response split over reads) returns undefined and goes to http-parser-js, which reads every case;
 * that parser costs about 3 us per small response, most of the engine's own time per request.
 */
export interface WholeResponse {
  status: number;
  statusMessage: string;
  headers: Record<string, string | string[]>;
  keepAlive: boolean;
  /** The server's Keep-Alive timeout hint in seconds, if it sent one. */
  keepAliveHint: number | undefined;
  bodyStart: number;
  bodyLength: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const HTTP11 = Buffer.from('HTTP/1.1 ');
const lowerCase = new Map<string, string>();
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Lower-cased header name, cached: a run sees the same few names millions of times. */
function lower(name: string): string | undefined {
  let low = lowerCase.get(name);
  if (low === undefined) {
    if (!TOKEN.test(name)) return undefined;
    low = name.toLowerCase();
    if (lowerCase.size < 1000) lowerCase.set(name, low);
  }
  return low;
}

export function parseWholeResponse(chunk: Buffer, head: boolean): WholeResponse | undefined {
  if (chunk.length < 16 || chunk.compare(HTTP11, 0, 9, 0, 9) !== 0) return undefined;
  const headEnd = chunk.indexOf(CRLFCRLF);
  if (headEnd < 12) return undefined;
  const d0 = chunk[9]! - 48;
  const d1 = chunk[10]! - 48;
  const d2 = chunk[11]! - 48;
  if (d0 < 2 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (chunk[12] !== 0x20 && chunk[12] !== 0x0d)) return undefined;
  const status = d0 * 100 + d1 * 10 + d2;
  const lines = chunk.toString('latin1', 0, headEnd).split('\r\n');
  const statusMessage = lines[0]!.slice(13);
  const headers: Record<string, string | string[]> = {};
  let contentLength = -1;
  let keepAlive = true;
  let keepAliveHint: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = lower(line.slice(0, colon));
    if (name === undefined) return undefined;
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (contentLength >= 0 || !/^\d{1,15}$/.test(value)) return undefined;
      contentLength = Number(value);
    } else if (name === 'transfer-encoding') return undefined;
    else if (name === 'connection') keepAlive = !/(^|,)\s*close\s*(,|$)/i.test(value);
    else if (name === 'keep-alive') {
      const hint = /timeout=(\d+)/i.exec(value);
      if (hint) keepAliveHint = Number(hint[1]);
    }
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
  }
  const bodyStart = headEnd + 4;
  let bodyLength: number;
  if (head || status === 204 || status === 304) bodyLength = 0;
  else if (contentLength >= 0) bodyLength = contentLength;
  else return undefined;
  if (chunk.length !== bodyStart + bodyLength) return undefined;
  return { status, statusMessage, headers, keepAlive, keepAliveHint, bodyStart, bodyLength };
}
