import { httpIteration, httpRequest, type HttpRequest } from '../../engine/http.ts';
import { ok, q, urlOf, type OperationKind, type TransportSpec } from './kind.ts';

export type HttpGetSpec = TransportSpec & { kind: 'http-get'; url: string; headers?: Record<string, string>; expect?: number[] };

/** A plain GET whose status is checked (a health endpoint, a static answer). */
export const httpGet: OperationKind<HttpGetSpec, unknown> = {
  kind: 'http-get',
  validate: (spec) => void urlOf(spec),
  describe: (spec) => `GET ${spec.url}`,
  create(spec, { agent, close }) {
    const url = urlOf(spec);
    const { origin } = url;
    const path = url.pathname + url.search;
    const request = (signal: AbortSignal): HttpRequest => ({ path, headers: spec.headers, signal, expect: spec.expect, discardBody: true, discardHeaders: true });
    return {
      iterate: ({ signal }) => httpRequest(agent, origin, request(signal)).then(ok),
      // The callback form (the engine's hot path): no promise per request.
      start: ({ signal }, done) => httpIteration(agent, origin, request(signal), done),
      close,
    };
  },
  k6: (spec, { headers, tag }) => `(vu) => okStatus(send('GET', ${q(spec.url)}, null, ${headers}, ${q(tag)}), ${JSON.stringify(spec.expect ?? null)})`,
};
