import { describe, expect, it } from 'vitest';
import { describeGunicornSettings, gunicornSettingProblems, parseGunicornSettings } from '../support/gateway/contextforge/gunicorn-settings.ts';

// What ContextForge 1.1.0's run-gunicorn.sh prints before it starts gunicorn (its own lines, with others around).
const printed = (maxRequests: string, preload = 'true') => `📋  Python version: Python 3.13.5
🔧  Activating virtual environment in script directory
📊  Gunicorn Configuration:
   Workers: 2
   Timeout: 600s
   Max Requests: ${maxRequests} (±100)
   Preload App: ${preload}
   Developer Mode: false
🔓  Running without TLS (HTTP only)`;

describe('gunicorn settings from the entrypoint\'s log', () => {
  it('reads what the suite asks for, and finds nothing unfair in it', () => {
    const s = parseGunicornSettings(printed('0'));
    expect(s).toEqual({ workers: 2, timeoutS: 600, maxRequests: 0, maxRequestsJitter: 100, preload: true });
    expect(describeGunicornSettings(s)).toBe('workers 2, timeout 600 s, max requests 0 (workers never recycled), preload true');
    expect(gunicornSettingProblems(s, { workers: 2 })).toEqual([]);
  });

  it('says so when workers recycle (the official default) or their number is not the one asked for', () => {
    const s = parseGunicornSettings(printed('100000', 'false'));
    expect(describeGunicornSettings(s)).toBe('workers 2, timeout 600 s, max requests 100000 ±100, preload false');
    expect(gunicornSettingProblems(s, { workers: 4 })).toEqual([
      'the gateway runs 2 workers, 4 were asked for',
      'workers restart every 100000 requests (GUNICORN_MAX_REQUESTS): long runs see cut streams and a memory sawtooth',
    ]);
  });

  it('an image with another entrypoint: unknown, said as such', () => {
    expect(parseGunicornSettings('[INFO] Starting gunicorn 23.0.0\n[INFO] Listening at: http://0.0.0.0:4444')).toBeUndefined();
    expect(parseGunicornSettings(printed('lots'))).toBeUndefined();
    expect(describeGunicornSettings(undefined)).toMatch(/^not printed by the image/);
  });
});
