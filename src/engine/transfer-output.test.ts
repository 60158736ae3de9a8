import { describe, expect, it } from 'vitest';
import { TransferOutput } from './transfer-output.js';

const digest = `sha256:${'ab'.repeat(32)}`;

describe('TransferOutput', () => {
  it('takes the pushed digest and size from the final aux message', () => {
    const output = new TransferOutput();
    output.accept({ aux: { Tag: 'x', Digest: digest, Size: 528 } });
    expect(output.pushed).toEqual({ digest, size: 528 });
    expect(output.error).toBeUndefined();
  });

  it('refuses a digest that is not one, so it never reaches a report or a step output', () => {
    for (const forged of [`sha256:0'; touch pwned; echo '`, 'sha256:abc', `sha256:${'AB'.repeat(32)}`, '']) {
      const output = new TransferOutput();
      output.accept({ aux: { Tag: 'x', Digest: forged, Size: 1 } });
      expect(output.pushed).toBeUndefined();
      expect(output.error).toBe('the registry answered the push with a malformed digest');
    }
  });

  it("puts the registry's refusal on one line without escape sequences", () => {
    const output = new TransferOutput();
    output.accept({
      errorDetail: { message: 'errors:\ndenied: \u001b[2Jno\r::error::forged\nunauthorized: x\n' },
    });
    expect(output.error).toBe('denied: no ::error::forged; unauthorized: x');
  });
});
