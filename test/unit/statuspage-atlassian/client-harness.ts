/** Shared by the client unit tests: a StatuspageClient on a scripted fetch and a fake clock. */
import { StatuspageClient } from '../../../src/statuspage/atlassian/client';
import { StatuspageError } from '../../../src/statuspage/atlassian/errors';
import type { StatuspageIncidentInput } from '../../../src/statuspage/atlassian/types';

export const API_KEY = 'sk-unit-9f8e7d6c5b4a';

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A scripted fetch on a fake clock: every sleep advances the clock and is recorded. */
export function harness(replies: Reply[], options: { minIntervalMs?: number; maxRetries?: number } = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const calls: { url: string; init: RequestInit; at: number }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init, at: clock });
    const reply = replies.shift() ?? { status: 500, body: { error: 'no scripted reply' } };
    if (reply instanceof Error) throw reply;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    return new Response(text, { status: reply.status, headers: reply.headers });
  }) as unknown as typeof fetch;
  const client = new StatuspageClient({
    apiKey: API_KEY,
    pageId: 'page123',
    baseUrl: 'https://statuspage.test/v1/',
    minIntervalMs: options.minIntervalMs ?? 0,
    maxRetries: options.maxRetries ?? 5,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    fetch: fetchImpl,
  });
  return { client, sleeps, calls };
}

export const input: StatuspageIncidentInput = {
  name: 'Slow dashboards',
  status: 'identified',
  body: 'Cause found.',
  impactOverride: 'minor',
  componentStatuses: { c1: 'degraded_performance', c2: 'operational' },
  deliverNotifications: true,
};
export const incident = {
  id: 'inc1',
  status: 'identified',
  shortlink: 'https://stspg.io/x1',
  impact: 'minor',
};

export async function caught(promise: Promise<unknown>): Promise<StatuspageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StatuspageError);
  return error as StatuspageError;
}
