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
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const tokens = new Set<string>();

/** A header name http-parser-js would read the same way (checked once per distinct name). */
function isToken(name: string): boolean {
  if (tokens.has(name)) return true;
  if (!TOKEN.test(name)) return false;
  if (tokens.size < 1000) tokens.add(name);
  return true;
}

/** Adds a header under its lower-case name; a repeated name collects its values in an array, as undici does. */
export function addHeader(headers: Record<string, string | string[] | undefined>, name: string, value: string): void {
  const seen = headers[name];
  if (seen === undefined) headers[name] = value;
  else if (Array.isArray(seen)) seen.push(value);
  else headers[name] = [seen, value];
}

const isBlank = (c: number) => c === 0x20 || c === 0x09;

/** A Content-Length value: 1 to 15 digits, else -1. */
function lengthOf(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

let lastKeepAlive = '';
let lastHint: number | undefined;

/** The timeout in seconds a Keep-Alive header announces (parsed once per distinct value). */
export function keepAliveHintOf(value: string): number | undefined {
  if (value !== lastKeepAlive) {
    const match = /timeout=(\d+)/i.exec(value);
    lastKeepAlive = value;
    lastHint = match ? Number(match[1]) : undefined;
  }
  return lastHint;
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
  const text = chunk.toString('latin1', 0, headEnd);
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = text.length;
  const statusMessage = text.slice(13, lineEnd);
  const headers: Record<string, string | string[]> = {};
  let contentLength = -1;
  let keepAlive = true;
  let keepAliveHint: number | undefined;
  for (let at = lineEnd + 2; at < text.length; at = lineEnd + 2) {
    lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0) lineEnd = text.length;
    const colon = text.indexOf(':', at);
    if (colon <= at || colon > lineEnd) return undefined;
    const raw = text.slice(at, colon);
    if (!isToken(raw)) return undefined;
    const name = raw.toLowerCase();
    let from = colon + 1;
    let to = lineEnd;
    while (from < to && isBlank(text.charCodeAt(from))) from++;
    while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
    const value = text.slice(from, to);
    if (name === 'content-length') {
      if (contentLength >= 0) return undefined;
      contentLength = lengthOf(value);
      if (contentLength < 0) return undefined;
    } else if (name === 'transfer-encoding') return undefined;
    else if (name === 'connection') keepAlive = value === 'keep-alive' || !/(^|,)\s*close\s*(,|$)/i.test(value);
    else if (name === 'keep-alive') keepAliveHint = keepAliveHintOf(value);
    addHeader(headers, name, value);
  }
  const bodyStart = headEnd + 4;
  let bodyLength: number;
  if (head || status === 204 || status === 304) bodyLength = 0;
  else if (contentLength >= 0) bodyLength = contentLength;
  else return undefined;
  if (chunk.length !== bodyStart + bodyLength) return undefined;
  return { status, statusMessage, headers, keepAlive, keepAliveHint, bodyStart, bodyLength };
}
