import { randomUUID } from 'node:crypto';
import { httpIteration, httpRequest, type HttpRequest } from '../../engine/http.ts';
import { ok, q, urlOf, type OperationKind, type TransportSpec } from './kind.ts';

export type HttpSpec = TransportSpec & {
  kind: 'http';
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  /** Request body; every "{{uuid}}" in it becomes a new random UUID on each iteration (unique names for write paths). */
  body?: string;
  expect?: number[];
};

/** Any HTTP request, a JSON body when given (REST write paths). */
export const http: OperationKind<HttpSpec, unknown> = {
  kind: 'http',
  validate: (spec) => void urlOf(spec),
  describe: (spec) => `${spec.method ?? (spec.body === undefined ? 'GET' : 'POST')} ${spec.url}`,
  create(spec, { agent, close }) {
    const url = urlOf(spec);
    const { origin } = url;
    const path = url.pathname + url.search;
    const templated = spec.body?.includes('{{uuid}}') ?? false;
    const headers = spec.body === undefined ? spec.headers : { 'content-type': 'application/json', ...spec.headers };
    const request = (signal: AbortSignal): HttpRequest => ({
      method: spec.method, path, headers, signal, expect: spec.expect, discardBody: true, discardHeaders: true,
      body: templated ? spec.body!.replaceAll('{{uuid}}', randomUUID()) : spec.body,
    });
    return {
      iterate: ({ signal }) => httpRequest(agent, origin, request(signal)).then(ok),
      start: ({ signal }, done) => httpIteration(agent, origin, request(signal), done),
      close,
    };
  },
  k6: (spec, { headers, tag }) =>
    `(vu) => okStatus(send(${q(spec.method ?? (spec.body === undefined ? 'GET' : 'POST'))}, ${q(spec.url)}, ${spec.body === undefined ? 'null' : `${q(spec.body)}.split('{{uuid}}').join(uuid())`}, ` +
    `Object.assign(${spec.body === undefined ? '{}' : "{ 'content-type': 'application/json' }"}, ${headers}), ${q(tag)}), ${JSON.stringify(spec.expect ?? null)})`,
};
