import type { GenericContainer } from 'testcontainers';

/**
 * Turns off the health check the image declares (Docker's Test ["NONE"], which Testcontainers' withHealthCheck
 * cannot express). ContextForge's official image starts a Python process every 30 s to ask /health: CPU taken
 * from the machine under load at moments no case controls. Readiness is the suite's own wait.
 */
export function withoutHealthCheck<T extends GenericContainer>(container: T): T {
  (container as unknown as { createOpts: { Healthcheck?: { Test: string[] } } }).createOpts.Healthcheck = { Test: ['NONE'] };
  return container;
}
