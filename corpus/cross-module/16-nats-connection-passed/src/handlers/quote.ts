import type { NatsConnection } from 'nats';
import { sc, jc } from '../nats.js';

export async function getQuote(nc: NatsConnection, symbol: string): Promise<number | null> {
  const reply = await nc.request('prices.quote', sc.encode(symbol), { timeout: 1_500 });
  const body = jc.decode(reply.data) as { price: number | null };
  return body.price;
}
