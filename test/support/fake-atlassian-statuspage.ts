/**
 * A fake of Atlassian Statuspage's REST API v1 (the incident and postmortem routes Sitrep uses),
 * on 127.0.0.1 with a random port. Point a client at `fake.baseUrl`.
 *
 * In order, each request is: recorded with its arrival time; answered 429 (Retry-After: 1) when it
 * arrives less than `minIntervalMs - slackMs` after the previous request (Statuspage's 1 request
 * per second per key); answered with a queued failure (`failNext`); 401 without
 * `Authorization: OAuth <key>`; 404 for another page id, an unknown route or incident; 422 for an
 * invalid body (unknown status, impact or component status; unknown component id when `components`
 * is given). Errors are `{"error": "..."}`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Spelled out here rather than imported from src, so a wrong value there shows up as a 422.
const STATUSES = 'investigating identified monitoring resolved'.split(' ');
const IMPACTS = 'none minor major critical'.split(' ');
const COMPONENT_STATUSES =
  'operational degraded_performance partial_outage major_outage under_maintenance'.split(' ');
const IMPACT_OF_COMPONENT: Record<string, string> = {
  major_outage: 'critical',
  partial_outage: 'major',
  degraded_performance: 'minor',
};

export interface FakeStatuspageOptions {
  apiKey: string;
  pageId: string;
  /** Known component ids; when given, others are a 422. */
  components?: string[];
  /** Default 1000; 0 turns the pacing check off. */
  minIntervalMs?: number;
  /** Default 50. */
  slackMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
  /** What the fake answered. */
  status: number;
}

export interface FakeIncidentUpdate {
  id: string;
  status: string;
  body: string;
  deliverNotifications: boolean;
}

export interface FakeIncident {
  id: string;
  name: string;
  status: string;
  impactOverride?: string;
  shortlink: string;
  components: Record<string, string>;
  /** Oldest first. */
  updates: FakeIncidentUpdate[];
  postmortem?: {
    bodyDraft: string;
    publishedAt?: string;
    notifySubscribers?: boolean;
    notifyTwitter?: boolean;
  };
}

export interface QueuedFailure {
  status: 420 | 429 | 500 | 502 | 503;
  /** Retry-After header in seconds; none when undefined. */
  retryAfter?: number;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
const fail = (status: number, error: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { error },
  ...(headers && { headers }),
});
const newId = () => randomBytes(6).toString('hex');

export class FakeStatuspage {
  readonly requests: RecordedRequest[] = [];
  readonly incidents = new Map<string, FakeIncident>();
  private readonly failures: QueuedFailure[] = [];
  private lastArrival: number | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeStatuspageOptions,
    readonly baseUrl: string,
  ) {}

  static async start(options: FakeStatuspageOptions): Promise<FakeStatuspage> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeStatuspage(server, options, `http://127.0.0.1:${port}/v1`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    return fake;
  }

  /** The next `count` requests (after the pacing check) get this answer. */
  failNext(count: number, failure: QueuedFailure): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    // Checked at arrival, before the body is read, so request order is arrival order.
    const minInterval = this.options.minIntervalMs ?? 1000;
    const previous = this.lastArrival;
    this.lastArrival = at;
    const tooSoon =
      minInterval > 0 && previous !== undefined && at - previous < minInterval - (this.options.slackMs ?? 50);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const answer = tooSoon
      ? fail(429, 'Rate limit exceeded', { 'retry-after': '1' })
      : this.answer(method, path, body, req.headers.authorization);
    this.requests.push({ method, path, body, at, status: answer.status });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private answer(method: string, path: string, body: unknown, auth: string | undefined): Answer {
    const failure = this.failures.shift();
    if (failure) {
      const headers =
        failure.retryAfter === undefined ? undefined : { 'retry-after': String(failure.retryAfter) };
      return fail(
        failure.status,
        failure.status >= 500 ? 'Internal server error' : 'Rate limit exceeded',
        headers,
      );
    }
    if (auth !== `OAuth ${this.options.apiKey}`) return fail(401, 'Could not authenticate');
    const match = /^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?(\/postmortem(?:\/publish)?)?$/.exec(path);
    if (!match) return fail(404, 'Not found');
    const [, pageId, incidentId, postmortem] = match;
    if (decodeURIComponent(pageId ?? '') !== this.options.pageId) return fail(404, 'Page not found');
    if (incidentId === undefined)
      return method === 'POST' ? this.write(undefined, body) : fail(405, 'Method not allowed');
    const incident = this.incidents.get(decodeURIComponent(incidentId));
    if (!incident) return fail(404, 'Incident not found');
    if (method !== 'PUT' && !(method === 'PATCH' && postmortem === undefined))
      return fail(405, 'Method not allowed');
    if (postmortem === '/postmortem') return this.draftPostmortem(incident, body);
    if (postmortem === '/postmortem/publish') return this.publishPostmortem(incident, body);
    return this.write(incident, body);
  }

  /** POST (no incident yet) or PATCH/PUT of an incident. */
  private write(existing: FakeIncident | undefined, body: unknown): Answer {
    const fields = (body as { incident?: unknown } | undefined)?.incident as
      Record<string, unknown> | undefined;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
      return fail(422, 'Request body must contain an incident object');
    if (!existing && (typeof fields.name !== 'string' || fields.name.trim() === ''))
      return fail(422, "Name can't be blank");
    const problem = this.check(fields);
    if (problem) return fail(422, problem);
    const incident: FakeIncident = existing ?? {
      id: newId(),
      name: '',
      status: 'investigating',
      shortlink: `https://stspg.io/${randomBytes(3).toString('hex')}`,
      components: {},
      updates: [],
    };
    this.incidents.set(incident.id, incident);
    if (typeof fields.name === 'string') incident.name = fields.name;
    if (typeof fields.status === 'string') incident.status = fields.status;
    this.apply(incident, fields);
    return { status: existing ? 200 : 201, body: this.json(incident) };
  }

  private apply(incident: FakeIncident, fields: Record<string, unknown>): void {
    if (typeof fields.impact_override === 'string') incident.impactOverride = fields.impact_override;
    Object.assign(incident.components, fields.components ?? {});
    for (const id of (fields.component_ids as string[] | undefined) ?? [])
      incident.components[id] ??= 'operational';
    if (typeof fields.body === 'string') {
      incident.updates.push({
        id: newId(),
        status: incident.status,
        body: fields.body,
        deliverNotifications: fields.deliver_notifications !== false,
      });
    }
  }

  private check(fields: Record<string, unknown>): string | undefined {
    const { status, impact_override: impact, components, component_ids: ids } = fields;
    if (status !== undefined && !STATUSES.includes(status as string))
      return `Status ${String(status)} is not valid`;
    if (impact !== undefined && !IMPACTS.includes(impact as string))
      return `Impact ${String(impact)} is not valid`;
    if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')))
      return 'component_ids must be an array of strings';
    if (
      components !== undefined &&
      (typeof components !== 'object' || components === null || Array.isArray(components))
    )
      return 'components must be an object';
    const entries = Object.entries((components ?? {}) as Record<string, unknown>);
    for (const [, componentStatus] of entries) {
      if (!COMPONENT_STATUSES.includes(componentStatus as string))
        return `Component status ${String(componentStatus)} is not valid`;
    }
    const known = this.options.components;
    const unknown = [...((ids as string[] | undefined) ?? []), ...entries.map(([id]) => id)].find(
      (id) => known !== undefined && !known.includes(id),
    );
    return unknown === undefined ? undefined : `Component ${unknown} not found`;
  }

  private draftPostmortem(incident: FakeIncident, body: unknown): Answer {
    const draft = (body as { postmortem?: { body_draft?: unknown } } | undefined)?.postmortem?.body_draft;
    if (typeof draft !== 'string' || draft === '') return fail(422, "Body draft can't be blank");
    incident.postmortem = { bodyDraft: draft };
    return { status: 200, body: { body_draft: draft, published_at: null } };
  }

  private publishPostmortem(incident: FakeIncident, body: unknown): Answer {
    if (!incident.postmortem) return fail(422, 'Postmortem has no draft');
    const flags = (body as { postmortem?: Record<string, unknown> } | undefined)?.postmortem ?? {};
    const publishedAt = new Date().toISOString();
    Object.assign(incident.postmortem, {
      publishedAt,
      notifySubscribers: flags.notify_subscribers === true,
      notifyTwitter: flags.notify_twitter === true,
    });
    return { status: 200, body: { body: incident.postmortem.bodyDraft, published_at: publishedAt } };
  }

  private json(incident: FakeIncident): Record<string, unknown> {
    const worst = Object.values(incident.components)
      .map((status) => IMPACT_OF_COMPONENT[status] ?? 'none')
      .sort((a, b) => IMPACTS.indexOf(b) - IMPACTS.indexOf(a))[0];
    return {
      id: incident.id,
      name: incident.name,
      status: incident.status,
      impact: incident.impactOverride ?? worst ?? 'none',
      shortlink: incident.shortlink,
      page_id: this.options.pageId,
      components: Object.entries(incident.components).map(([id, status]) => ({ id, status })),
      incident_updates: [...incident.updates]
        .reverse()
        .map((u) => ({ id: u.id, status: u.status, body: u.body })),
    };
  }
}
