import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.ts';
import { freePort, startProcess, type ManagedProcess } from './process.ts';

export const NGINX_PATHS = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export function findNginx(): string | undefined {
  return NGINX_PATHS.find((p) => existsSync(p));
}

/**
 * Starts nginx in the foreground (one process, one worker, no access log) on a free loopback port, answering
 * GET /ok with the same body as fixtures/targets/http-target.ts. A target that needs a few microseconds per
 * request, so a load generator on the same machine runs out of CPU before it does.
 */
export async function startNginxTarget(nginx = findNginx()): Promise<{ process: ManagedProcess; baseUrl: string }> {
  if (!nginx) throw new Error(`nginx not found (looked in ${NGINX_PATHS.join(', ')}); install it with: apt-get install nginx`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-perf-nginx-'));
  const unregister = onCleanup('nginx target directory', () => rmSync(dir, { recursive: true, force: true }));
  const removeDir = () => {
    unregister();
    rmSync(dir, { recursive: true, force: true });
  };
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { default_type application/json; return 200 '{"ok":true}'; }
  }
}
`);
  try {
    const proc = await startProcess({
      name: 'nginx-target', command: nginx, args: ['-p', dir, '-c', join(dir, 'nginx.conf')],
      readyUrl: `http://127.0.0.1:${port}/health`, readyTimeoutMs: 15_000,
    });
    const stop = proc.stop;
    proc.stop = async () => {
      await stop();
      removeDir();
    };
    return { process: proc, baseUrl: `http://127.0.0.1:${port}` };
  } catch (error) {
    removeDir();
    throw error;
  }
}
