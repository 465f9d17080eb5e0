import { describe, expect, it } from 'vitest';
import { countsSince, spreadVerdict } from '../support/analysis/spread.ts';
import { haproxyConfig, requestsFromStats } from '../support/stack/scale-out.ts';

const backends = ['gateway:4444', 'gateway-2:4444'];

describe('a balancer\'s spread over its backends', () => {
  it('passes an even or uneven split, fails a backend that got (nearly) nothing', () => {
    expect(spreadVerdict({ 'gateway:4444': 100, 'gateway-2:4444': 98 }, backends).pass).toBe(true);
    expect(spreadVerdict({ 'gateway:4444': 130, 'gateway-2:4444': 70 }, backends).pass).toBe(true);
    const pinned = spreadVerdict({ 'gateway:4444': 200, 'gateway-2:4444': 3 }, backends);
    expect(pinned.pass).toBe(false);
    expect(pinned.text).toMatch(/gateway-2:4444 did not/);
    expect(spreadVerdict({}, backends)).toMatchObject({ pass: false, text: 'the balancer relayed no request' });
    expect(countsSince({ a: 5 }, { a: 9, b: 2 })).toEqual({ a: 4, b: 2 });
  });

  it('reads HAProxy\'s CSV statistics per server, and writes its configuration with or without session affinity', () => {
    const csv = '# pxname,svname,qcur,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other\n'
      + 'mcp,FRONTEND,,0,300,0,2,0,0\ngateways,g1,0,0,150,0,1,0,0\ngateways,g2,0,0,148,0,1,0,0\ngateways,BACKEND,0,0,298,0,2,0,0\n';
    expect(requestsFromStats(csv, backends)).toEqual({ 'gateway:4444': 151, 'gateway-2:4444': 149 });
    expect(haproxyConfig(backends)).toMatch(/balance roundrobin\n {2}server g1 gateway:4444\n {2}server g2 gateway-2:4444/);
    expect(haproxyConfig(backends)).not.toMatch(/stick/);
    expect(haproxyConfig(backends)).toMatch(/retry-on conn-failure empty-response/);
    expect(haproxyConfig(backends, { affinity: true })).toMatch(/stick store-response res\.hdr\(mcp-session-id\)\n {2}stick match req\.hdr\(mcp-session-id\)/);
  });
});
