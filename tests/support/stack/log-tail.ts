import type { Readable } from 'node:stream';

/** Keeps the last lines a container or process printed, for error messages. */
export class LogTail {
  private readonly lines: string[] = [];
  private readonly max: number;

  constructor(max = 200) {
    this.max = max;
  }

  consume = (stream: Readable): void => {
    let partial = '';
    stream.on('data', (chunk: Buffer | string) => {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) this.push(line);
    });
    stream.on('end', () => partial && this.push(partial));
  };

  private push(line: string): void {
    if (!line.trim()) return;
    this.lines.push(line.length > 2000 ? `...${line.slice(-2000)}` : line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join('\n') || '(it printed nothing)';
  }
}
