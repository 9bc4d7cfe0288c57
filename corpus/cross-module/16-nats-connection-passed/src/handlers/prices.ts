import type { NatsConnection, Subscription } from 'nats';
import { sc, jc } from '../nats.js';
import { sessions } from '../pubsub/local.js';

const book = new Map<string, number>([
  ['ACME', 101.5],
  ['GLOBEX', 47.25],
]);

export function registerPriceHandlers(nc: NatsConnection): Subscription[] {
  const quotes = nc.subscribe('prices.quote', {
    queue: 'pricing',
    callback: (err, msg) => {
      if (err) return console.error('quote subscription error', err);
      const symbol = sc.decode(msg.data);
      const price = book.get(symbol);
      if (msg.reply) nc.publish(msg.reply, jc.encode({ symbol, price: price ?? null }));
    },
  });

  const ticks = nc.subscribe('prices.tick.*', {
    callback: (_err, msg) => {
      const tick = jc.decode(msg.data) as { symbol: string; price: number };
      book.set(tick.symbol, tick.price);
      sessions.publish(`ws.${tick.symbol}`, tick);
    },
  });

  return [quotes, ticks];
}
