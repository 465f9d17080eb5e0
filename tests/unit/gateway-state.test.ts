import { describe, expect, it } from 'vitest';
import { demultiplex } from '../support/stack/gateway-state.ts';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('Docker log stream', () => {
  it('reads the multiplexed frames of stdout and stderr as text, and a TTY container\'s plain text as is', () => {
    expect(demultiplex(Buffer.concat([frame(1, 'booting\n'), frame(2, 'Traceback: boom\n')]))).toBe('booting\nTraceback: boom\n');
    expect(demultiplex(Buffer.from('plain text\n'))).toBe('plain text\n');
  });
});
