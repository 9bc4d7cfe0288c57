import type { JetStreamClient, NatsConnection } from 'nats';
import { jc } from '../nats.js';

export interface Trade {
  id: string;
  symbol: string;
  qty: number;
  price: number;
}

export async function recordTrade(js: JetStreamClient, nc: NatsConnection, trade: Trade): Promise<number> {
  const ack = await js.publish(`trades.${trade.symbol}`, jc.encode({ ...trade }), { msgID: trade.id });
  nc.publish('metrics.trades', jc.encode({ symbol: trade.symbol, notional: trade.qty * trade.price }));
  return ack.seq;
}
