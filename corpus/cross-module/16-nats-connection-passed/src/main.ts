import { connectNats } from './nats.js';
import { registerPriceHandlers } from './handlers/prices.js';
import { getQuote } from './handlers/quote.js';
import { recordTrade } from './handlers/trades.js';
import { sessions } from './pubsub/local.js';

const nc = await connectNats('pricing-gateway');
const js = nc.jetstream();
registerPriceHandlers(nc);

sessions.subscribe('ws.ACME', (tick) => console.log('tick', tick));

const price = await getQuote(nc, 'ACME');
if (price !== null) {
  await recordTrade(js, nc, { id: 't-1', symbol: 'ACME', qty: 10, price });
}

process.on('SIGTERM', () => void nc.drain());
