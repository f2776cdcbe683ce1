import { StatusPageCache } from '../../../src/statuspage/page-cache';
import type { StatusSnapshot } from '../../../src/statuspage/render/model';
import { captureLogs } from '../../support/log-capture';

const snapshot = (name: string): StatusSnapshot => ({
  page: { id: 'p', name, url: 'https://status.example.com', timeZone: 'UTC' },
  components: [],
  incidents: [],
  generatedAt: new Date(0),
});

function cacheWith(options: {
  fingerprint: () => Promise<string>;
  loadSnapshot: () => Promise<StatusSnapshot>;
}) {
  let clock = 0;
  let renders = 0;
  const logs = captureLogs();
  const cache = new StatusPageCache({
    ...options,
    logger: logs.logger,
    now: () => clock,
    render: (s) => {
      renders += 1;
      return new Map([['/', { body: `<h1>${s.page.name}</h1>`, contentType: 'text/html' }]]);
    },
  });
  return { cache, logs, advance: (ms: number) => (clock += ms), renders: () => renders };
}

describe('StatusPageCache', () => {
  it('renders once per change, not once per request, with a stable ETag', async () => {
    let version = 'a';
    const { cache, advance, renders } = cacheWith({
      fingerprint: async () => version,
      loadSnapshot: async () => snapshot(`v-${version}`),
    });
    const first = await cache.get('/');
    advance(5000);
    const again = await cache.get('/');
    expect(renders()).toBe(1);
    expect(again?.etag).toBe(first?.etag);
    version = 'b';
    advance(5000);
    const changed = await cache.get('/');
    expect(renders()).toBe(2);
    expect(changed?.body.toString()).toBe('<h1>v-b</h1>');
    expect(changed?.etag).not.toBe(first?.etag);
  });

  it('on a change notice renders nothing until a reader asks, then shows the change at once', async () => {
    let version = 'a';
    const { cache, advance, renders } = cacheWith({
      fingerprint: async () => version,
      loadSnapshot: async () => snapshot(`v-${version}`),
    });
    await cache.get('/');
    version = 'b';
    cache.changed();
    cache.changed();
    await new Promise((resolve) => setImmediate(resolve));
    expect(renders()).toBe(1);
    advance(1); // well inside the periodic re-check interval: only the notice makes it look
    expect((await cache.get('/'))?.body.toString()).toBe('<h1>v-b</h1>');
    expect(renders()).toBe(2);
  });

  it('keeps serving the last rendered state while the database is down, and says so in the log', async () => {
    let down = false;
    const { cache, advance, logs } = cacheWith({
      fingerprint: async () => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return 'a';
      },
      loadSnapshot: async () => snapshot('before the outage'),
    });
    await cache.get('/');
    down = true;
    advance(5000);
    expect((await cache.get('/'))?.body.toString()).toBe('<h1>before the outage</h1>');
    expect(logs.entries().some((e) => e.event === 'status_page_refresh_failed')).toBe(true);
  });

  it('does not make readers wait long for a slow database', async () => {
    const { cache, advance } = cacheWith({
      fingerprint: async () => 'a',
      loadSnapshot: async () => snapshot('fast'),
    });
    await cache.get('/');
    const never = new Promise<string>(() => undefined);
    (cache as unknown as { deps: { fingerprint: () => Promise<string> } }).deps.fingerprint = () => never;
    advance(5000);
    const started = Date.now();
    expect((await cache.get('/'))?.body.toString()).toBe('<h1>fast</h1>');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('has nothing to serve before its first successful render', async () => {
    const { cache } = cacheWith({
      fingerprint: async () => Promise.reject(new Error('down')),
      loadSnapshot: async () => snapshot('x'),
    });
    expect(await cache.get('/')).toBeUndefined();
    expect(cache.hasContent).toBe(false);
  });
});
