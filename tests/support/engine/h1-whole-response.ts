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
/** Characters of a header name (RFC 9110 token), by char code. */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHAR[c.charCodeAt(0)] = 1;

/** text[from, to) is a header name http-parser-js would read the same way. */
function isTokenAt(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || TOKEN_CHAR[c] === 0) return false;
  }
  return to > from;
}

/** A name as long as one the fast path reads itself: connection and keep-alive (10), content-length (14), transfer-encoding (17). */
const mayFrame = (nameLength: number) => nameLength === 10 || nameLength === 14 || nameLength === 17;

const NO_HEADERS: Record<string, string | string[]> = Object.freeze({}) as Record<string, string | string[]>;

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

/**
 * withHeaders false: the caller will not look at the headers (a load request that discards the answer);
 * headers and statusMessage come back empty, and only the names that frame the message are read.
 */
export function parseWholeResponse(chunk: Buffer, head: boolean, withHeaders = true): WholeResponse | undefined {
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
  const statusMessage = withHeaders ? text.slice(13, lineEnd) : '';
  const headers = withHeaders ? {} : NO_HEADERS;
  let length = -1;
  let keepAlive = true;
  let keepAliveHint: number | undefined;
  for (let at = lineEnd + 2; at < text.length; at = lineEnd + 2) {
    lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0) lineEnd = text.length;
    const colon = text.indexOf(':', at);
    if (colon <= at || colon > lineEnd || !isTokenAt(text, at, colon)) return undefined;
    if (!withHeaders && !mayFrame(colon - at)) continue;
    const name = text.slice(at, colon).toLowerCase();
    let from = colon + 1;
    let to = lineEnd;
    while (from < to && isBlank(text.charCodeAt(from))) from++;
    while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
    const value = text.slice(from, to);
    if (name === 'content-length') {
      if (length >= 0) return undefined;
      length = lengthOf(value);
      if (length < 0) return undefined;
    } else if (name === 'transfer-encoding') return undefined;
    else if (name === 'connection') keepAlive = value === 'keep-alive' || !/(^|,)\s*close\s*(,|$)/i.test(value);
    else if (name === 'keep-alive') keepAliveHint = keepAliveHintOf(value);
    if (withHeaders) addHeader(headers, name, value);
  }
  const bodyStart = headEnd + 4;
  let bodyLength: number;
  if (head || status === 204 || status === 304) bodyLength = 0;
  else if (length >= 0) bodyLength = length;
  else return undefined;
  if (chunk.length !== bodyStart + bodyLength) return undefined;
  return { status, statusMessage, headers, keepAlive, keepAliveHint, bodyStart, bodyLength };
}
