import { OperationFailure } from '../../engine/errors.ts';
import { httpRequest } from '../../engine/http.ts';
import { q, urlOf, type OperationKind, type TransportSpec } from './kind.ts';

export type HttpPagedSpec = TransportSpec & {
  /** A REST list read page by page: GET url, then url + cursor=<nextCursor> until the answer has none. */
  kind: 'http-paged';
  url: string;
  headers?: Record<string, string>;
  /** Field of the answer that holds the next cursor (default nextCursor). */
  cursorField?: string;
  /** Query parameter that takes it (default cursor). */
  cursorParam?: string;
  /** Fail when the list is still paging after this many pages (default 100). */
  maxPages?: number;
};

export const httpPaged: OperationKind<HttpPagedSpec, unknown> = {
  kind: 'http-paged',
  validate(spec) {
    urlOf(spec);
    if (spec.maxPages !== undefined && !(Number.isInteger(spec.maxPages) && spec.maxPages > 0)) throw new Error(`http-paged ${spec.url}: maxPages must be a whole number > 0, got ${spec.maxPages}`);
  },
  describe: (spec) => `GET ${spec.url} page by page`,
  create(spec, { agent, close }) {
    const url = urlOf(spec);
    const field = spec.cursorField ?? 'nextCursor';
    const param = spec.cursorParam ?? 'cursor';
    const maxPages = spec.maxPages ?? 100;
    return {
      iterate: async ({ signal }) => {
        let bytesIn = 0;
        let cursor: string | undefined;
        for (let page = 0; page < maxPages; page++) {
          const pageUrl = new URL(url);
          if (cursor) pageUrl.searchParams.set(param, cursor);
          const res = await httpRequest(agent, url.origin, { path: pageUrl.pathname + pageUrl.search, headers: spec.headers, signal });
          bytesIn += res.bytesIn;
          let next: unknown;
          try {
            next = (JSON.parse(res.body) as Record<string, unknown>)[field];
          } catch (error) {
            throw new OperationFailure({ class: 'malformed_response', code: 'json', message: `GET ${pageUrl.pathname}: ${(error as Error).message}` });
          }
          if (typeof next !== 'string' || next === '') return { ok: true, bytesIn };
          cursor = next;
        }
        throw new OperationFailure({ class: 'malformed_response', code: 'cursor_loop', message: `${url.pathname} still paging after ${maxPages} pages` });
      },
      close,
    };
  },
  k6: (spec, { headers, tag }) => `(vu) => pagedList(${q(spec.url)}, ${headers}, ${q(spec.cursorField ?? 'nextCursor')}, ${q(spec.cursorParam ?? 'cursor')}, ${spec.maxPages ?? 100}, ${q(tag)})`,
};
