import { connect, JSONCodec, StringCodec, type NatsConnection } from 'nats';

export const sc = StringCodec();
export const jc = JSONCodec<Record<string, unknown>>();

export async function connectNats(name: string): Promise<NatsConnection> {
  return connect({
    servers: (process.env.NATS_URL ?? 'nats://localhost:4222').split(','),
    name,
    reconnectTimeWait: 2_000,
    maxReconnectAttempts: -1,
  });
}
