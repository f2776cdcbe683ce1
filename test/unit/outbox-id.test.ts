import fc from 'fast-check';
import { z } from 'zod';
import { outboxIdFor } from '../../src/jobs/outbox-topics';

describe('outboxIdFor', () => {
  it('gives a repeated delivery the same id, and different submissions different ids', () => {
    expect(outboxIdFor('declare:V123')).toBe(outboxIdFor('declare:V123'));
    expect(outboxIdFor('declare:V123')).not.toBe(outboxIdFor('update:V123'));
  });

  it('is always a UUID PostgreSQL and zod accept', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        expect(z.uuid().safeParse(outboxIdFor(key)).success).toBe(true);
      }),
    );
  });
});
