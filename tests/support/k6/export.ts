import { parseRatio, type Slo } from '../shared/slo.ts';
import { parseDuration } from '../engine/duration.ts';
import { normalizeScenario, type ScenarioInput } from '../engine/scenario.ts';
import { DEFAULT_REVISION } from '../mcp/protocol.ts';
import { k6Operation, type OperationSpec, type SingleOperationSpec } from '../mcp/operations.ts';

export interface K6ExportOptions {
  scenario: ScenarioInput;
  operation: OperationSpec;
  /** Budgets to carry over as k6 thresholds (a failed one makes k6 exit 99). */
  slos?: Slo[];
  /** Header values to leave out of the file: each becomes __ENV[name] (e.g. the gateway's token). */
  secrets?: Record<string, string>;
}

const q = (s: string) => JSON.stringify(s);
const ms = (v: string | number | undefined) => (v === undefined ? undefined : `${parseDuration(v)}ms`);

/** k6 options.scenarios entry with the same executor, rates, stages and limits as ours. */
function k6Scenario(input: ScenarioInput): Record<string, unknown> {
  normalizeScenario(input);
  const out: Record<string, unknown> = { executor: input.executor };
  const copy = ['rate', 'preAllocatedVUs', 'maxVUs', 'startRate', 'vus', 'startVUs', 'iterations'] as const;
  for (const k of copy) if (input[k] !== undefined) out[k] = input[k];
  for (const k of ['timeUnit', 'duration', 'maxDuration', 'gracefulStop', 'gracefulRampDown'] as const) if (input[k] !== undefined) out[k] = ms(input[k]);
  if (input.stages) out.stages = input.stages.map((s) => ({ duration: ms(s.duration), target: s.target }));
  return out;
}

/** Our SLO as k6 thresholds on the script's own trend of whole operations (mcp_op_duration) and its error rate. */
function thresholds(slos: Slo[]): Record<string, string[]> {
  const t: Record<string, string[]> = {};
  for (const slo of slos) Object.assign(t, thresholdsOf(slo));
  return t;
}

function thresholdsOf(slo: Slo): Record<string, string[]> {
  const t: Record<string, string[]> = {};
  const metric = slo.operation ? `mcp_op_duration{op:${slo.operation}}` : 'mcp_op_duration';
  const latency: string[] = [];
  for (const [key, k6] of [['p50', 'med'], ['p90', 'p(90)'], ['p95', 'p(95)'], ['p99', 'p(99)'], ['max', 'max']] as const) {
    const v = slo[key];
    if (v !== undefined) latency.push(`${k6}<${parseDuration(v)}`);
  }
  if (latency.length) t[metric] = latency;
  if (slo.errorRate !== undefined) t[slo.operation ? `mcp_op_failed{op:${slo.operation}}` : 'mcp_op_failed'] = [`rate<=${parseRatio(slo.errorRate, 'errorRate')}`];
  return t;
}

/** The headers as a JS object literal, with secret values replaced by __ENV lookups. */
function headersExpr(headers: Record<string, string> | undefined, secrets: Record<string, string>): string {
  const entries = Object.entries(headers ?? {}).map(([k, v]) => {
    let expr = q(v);
    for (const [name, secret] of Object.entries(secrets)) {
      if (secret && v.includes(secret)) expr = v.split(secret).map(q).join(` + __ENV.${name} + `);
    }
    return `${q(k)}: ${expr}`;
  });
  return `{ ${entries.join(', ')} }`;
}

/** A JS function expression `(vu) => boolean` that runs one operation and returns whether it succeeded. */
function opFunction(op: SingleOperationSpec, secrets: Record<string, string>, tag: string): string {
  return k6Operation(op, { headers: headersExpr(op.headers, secrets), tag });
}

/** The functions every exported script carries (exported for the test that runs them with a stand-in for k6/http). */
export const RUNTIME = `
function uuid() {
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

function send(method, url, body, headers, tag) {
  return http.request(method, url, body, { headers: headers, tags: { op: tag }, timeout: TIMEOUT });
}

function okStatus(res, expected) {
  return expected ? expected.indexOf(res.status) >= 0 : res.status >= 200 && res.status < 300;
}

// Every JSON-RPC message of a reply: its JSON body, or each event of an event stream (an event's data lines joined).
function messagesOf(res) {
  if (!res.body) return [];
  const text = String(res.body);
  if (String(res.headers['Content-Type'] || '').indexOf('text/event-stream') < 0) return [JSON.parse(text)];
  const out = [];
  for (const block of text.split(/\\r?\\n\\r?\\n/)) {
    const data = block.split(/\\r?\\n/).filter((l) => l.indexOf('data:') === 0).map((l) => l.slice(5).replace(/^ /, '')).join('\\n');
    if (data) out.push(JSON.parse(data));
  }
  return out;
}

// The result of request \`id\`, or null: a failed status, unreadable frames, a JSON-RPC error, no answer, an answer
// under another id (another caller's: the suite's isolation failure), or a tool's isError.
function resultOf(res, method, id) {
  if (res.status < 200 || res.status >= 300) return null;
  let messages;
  try {
    messages = messagesOf(res);
  } catch (e) {
    return null;
  }
  const answers = messages.filter((m) => m !== null && typeof m === 'object' && m.id !== undefined && (m.result !== undefined || m.error !== undefined));
  if (answers.length === 0 || answers.some((m) => m.id !== id)) return null;
  const reply = answers[0];
  if (reply.error || reply.result === undefined || reply.result === null) return null;
  if (method === 'tools/call' && reply.result.isError) return null;
  return reply.result;
}

let rpcId = 0;
// One JSON-RPC request: its body, and its id to check the answer against.
function rpcRequest(method, params) {
  rpcId += 1;
  return { id: rpcId, body: JSON.stringify(params ? { jsonrpc: '2.0', id: rpcId, method: method, params: params } : { jsonrpc: '2.0', id: rpcId, method: method }) };
}

// One call, or (all) a list followed through nextCursor, at most 100 pages: its result (the last page's), or null.
// post(method, params) sends one request and returns its result, or null.
function callOrWalk(post, method, params, all) {
  if (!all) return post(method, params);
  let cursor = null;
  for (let page = 0; page < 100; page++) {
    const result = post(method, cursor ? Object.assign({}, params || {}, { cursor: cursor }) : params);
    if (result === null) return null;
    if (typeof result.nextCursor !== 'string' || result.nextCursor === '') return result;
    cursor = result.nextCursor;
  }
  return null;
}

function rpcCall(url, headers, method, params, tag, all) {
  return callOrWalk((m, p) => {
    const r = rpcRequest(m, p);
    return resultOf(send('POST', url, r.body, Object.assign({ 'content-type': 'application/json' }, headers), tag), m, r.id);
  }, method, params, all);
}

const MCP_ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function initialize(url, headers, tag) {
  const r = rpcRequest('initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-perf-k6', version: '0.1.0' } });
  const res = send('POST', url, r.body, Object.assign({}, MCP_ACCEPT, headers), tag);
  if (resultOf(res, 'initialize', r.id) === null) return null;
  const session = res.headers['Mcp-Session-Id'] || null;
  const withSession = Object.assign({}, MCP_ACCEPT, headers, session ? { 'mcp-session-id': session } : {});
  send('POST', url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), withSession, tag);
  return { session: session, headers: withSession };
}

// An answer that says the server no longer knows the session: 404, or 400 naming it (the TypeScript SDK's servers).
function sessionLost(res) {
  return res.status === 404 || (res.status === 400 && /session/i.test(String(res.body || '')));
}

// Streamable HTTP: one session per VU (reused; one the server lost is dropped, so the next iteration opens a new one),
// or initialize, call and DELETE on every iteration.
function streamableCall(vu, url, headers, method, params, mode, tag, all) {
  let s = mode === 'per-vu' ? vu.sessions[url] : null;
  if (!s) {
    s = initialize(url, headers, tag);
    if (!s) return null;
    if (mode === 'per-vu') vu.sessions[url] = s;
  }
  let lost = false;
  const result = callOrWalk((m, p) => {
    const r = rpcRequest(m, p);
    const res = send('POST', url, r.body, s.headers, tag);
    if (s.session && sessionLost(res)) lost = true;
    return resultOf(res, m, r.id);
  }, method, params, all);
  if (lost && mode === 'per-vu') delete vu.sessions[url];
  if (mode === 'per-iteration' && s.session) send('DELETE', url, null, s.headers, tag);
  return result;
}

// MCP 2026-07-28: no session; the envelope in params._meta and the routing headers on every request.
function statelessCall(url, headers, method, params, revision, tag, all) {
  const meta = { 'io.modelcontextprotocol/protocolVersion': revision, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'mcp-perf-k6', version: '0.1.0' } };
  return callOrWalk((m, p) => {
    const routing = { 'mcp-protocol-version': revision, 'mcp-method': m };
    const name = p && (m === 'resources/read' ? p.uri : p.name);
    if ((m === 'tools/call' || m === 'prompts/get' || m === 'resources/read') && typeof name === 'string') routing['mcp-name'] = name;
    const r = rpcRequest(m, Object.assign({}, p || {}, { _meta: meta }));
    return resultOf(send('POST', url, r.body, Object.assign({}, MCP_ACCEPT, headers, routing), tag), m, r.id);
  }, method, params, all);
}

// An agent step: tools/list first, every time ('always') or only when the ttlMs the last list came with has run out
// ('cached', as a 2026-07-28 client may), then the call; one iteration, one sample, as the suite times it.
function agentStep(vu, key, listFirst, list, call) {
  vu.listedUntil = vu.listedUntil || {};
  if (listFirst === 'always' || !(vu.listedUntil[key] > Date.now())) {
    const listed = list();
    if (!listed) return null;
    const ttl = Number(listed.ttlMs);
    vu.listedUntil[key] = Date.now() + (ttl > 0 ? ttl : 0);
  }
  return call();
}

function pagedList(url, headers, field, param, maxPages, tag) {
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const res = send('GET', cursor ? url + (url.indexOf('?') >= 0 ? '&' : '?') + param + '=' + encodeURIComponent(cursor) : url, null, headers, tag);
    if (res.status < 200 || res.status >= 300) return false;
    let next;
    try {
      next = JSON.parse(String(res.body))[field];
    } catch (e) {
      return false;
    }
    if (typeof next !== 'string' || next === '') return true;
    cursor = next;
  }
  return false;
}

// Smooth weighted round-robin, as the suite's engine picks mix items.
function pickWeighted(vu, weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  let best = 0;
  for (let i = 0; i < weights.length; i++) {
    vu.current[i] = (vu.current[i] || 0) + weights[i];
    if (vu.current[i] > vu.current[best]) best = i;
  }
  vu.current[best] -= total;
  return best;
}
`;

/**
 * The scenario as an equivalent k6 script: the same executor and options, the same MCP payloads, the
 * suite's SLO as thresholds. Whole operations (an MCP session's initialize + call, every page of a list)
 * are timed as one sample of mcp_op_duration, as the suite times an iteration; note that k6, like any
 * closed-loop timer, measures from the actual send, not from the intended start.
 */
export function toK6Script(o: K6ExportOptions): string {
  const secrets = o.secrets ?? {};
  const items = o.operation.kind === 'mix' ? o.operation.items : [{ name: o.scenario.name, weight: 1, op: o.operation }];
  const options = {
    scenarios: { [o.scenario.name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'main']: k6Scenario(o.scenario) },
    thresholds: thresholds(o.slos ?? []),
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'],
    discardResponseBodies: false,
  };
  const need = Object.keys(secrets).map((name) => `if (!__ENV.${name}) throw new Error('set ${name} (k6 run -e ${name}=...)');`).join('\n');
  return `// k6 script exported by mcp-perf from scenario ${q(o.scenario.name)}.
// Run: k6 run${Object.keys(secrets).map((n) => ` -e ${n}=...`).join('')} --summary-export=summary.json this-file.js
// then compare with the suite's baseline: npm run compare:k6 -- summary.json --case ${q(o.scenario.name)}
import http from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
${need}

export const options = ${JSON.stringify(options, null, 2)};

const TIMEOUT = ${q(`${parseDuration(o.scenario.timeout ?? '60s')}ms`)};
const PROTOCOL_VERSION = ${q(DEFAULT_REVISION)};
const opDuration = new Trend('mcp_op_duration', true);
const opFailed = new Rate('mcp_op_failed');
${RUNTIME}
const OPS = [
${items.map((i) => `  { name: ${q(i.name)}, weight: ${i.weight}, run: ${opFunction(i.op, secrets, i.name)} },`).join('\n')}
];
const WEIGHTS = OPS.map((op) => op.weight);
const vu = { sessions: {}, current: [] };

export default function () {
  const op = OPS[OPS.length === 1 ? 0 : pickWeighted(vu, WEIGHTS)];
  const started = Date.now();
  let ok = false;
  try {
    // A call gives its result (or null), other operations true or false.
    ok = Boolean(op.run(vu));
  } finally {
    opDuration.add(Date.now() - started, { op: op.name });
    opFailed.add(!ok, { op: op.name });
  }
}
`;
}
