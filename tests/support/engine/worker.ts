import { parentPort, workerData } from 'node:worker_threads';
import { execute } from './executor.ts';
import { warmUpAggregation } from './aggregator.ts';
import { encodeSnapshot, MetricsRecorder } from './metrics.ts';
import type { LoadOperation, OperationModule } from './operation.ts';
import { eluSince, type WorkerInit, type WorkerMessage } from './runner.ts';

const port = parentPort!;
const init = workerData as WorkerInit;
const post = (msg: WorkerMessage) => port.postMessage(msg);

try {
  const mod = (await import(init.module)) as Partial<OperationModule>;
  if (typeof mod.createOperation !== 'function') throw new Error(`${init.module} does not export createOperation(params)`);
  const op: LoadOperation = await mod.createOperation(init.params);
  warmUpAggregation(init.scenario, true);
  const recorder = new MetricsRecorder();
  const abort = new AbortController();
  port.on('message', (msg: { type: string; startAtEpoch?: number }) => {
    if (msg.type === 'abort') abort.abort();
    if (msg.type !== 'start' || msg.startAtEpoch === undefined) return;
    const startAt = msg.startAtEpoch - performance.timeOrigin;
    const elu0 = performance.eventLoopUtilization();
    let flusher: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      flusher = setInterval(() => post({ type: 'interval', snapshot: encodeSnapshot(recorder.flush()) }), 1000);
    }, Math.max(0, startAt - performance.now()));
    execute({ scenario: init.scenario, operation: op.iterate, start: op.start, recorder, segment: init.segment, startAt, operationName: init.operationName, signal: abort.signal })
      .then(async (summary) => {
        const eventLoopUtilization = eluSince(elu0);
        clearTimeout(first);
        clearInterval(flusher);
        await op.close?.();
        post({ type: 'done', summary, snapshot: encodeSnapshot(recorder.flush()), eventLoopUtilization });
        port.close();
      })
      .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }));
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
