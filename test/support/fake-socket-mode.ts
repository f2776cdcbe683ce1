import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's side of a Socket Mode connection: greets the client with `hello`, sends envelopes
 * (slash commands, interactions, events) and collects the client's acks, which carry the
 * response payload the HTTP receiver would have returned in its body.
 */
export interface FakeSocketMode {
  url: string;
  connected: Promise<void>;
  send(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const pending = new Map<string, (payload: Record<string, unknown>) => void>();
  let socket: WebSocket | undefined;
  let markConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));

  server.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      if (message.envelope_id) pending.get(message.envelope_id)?.(message.payload ?? {});
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        connection_info: { app_id: 'A0SITREP' },
        debug_info: { host: 'fake' },
      }),
    );
    markConnected();
  });

  return {
    url: `ws://127.0.0.1:${port}/link`,
    connected,
    send(type, payload) {
      if (!socket) return Promise.reject(new Error('No Socket Mode client is connected'));
      const envelopeId = randomUUID();
      const acked = new Promise<Record<string, unknown>>((resolve) => pending.set(envelopeId, resolve));
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          retry_attempt: 0,
          retry_reason: '',
        }),
      );
      return acked;
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
