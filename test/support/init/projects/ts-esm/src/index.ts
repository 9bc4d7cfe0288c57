// A checkout request: a root span and a child span, under baggage that carries a tenant (to be copied onto the
// spans) and an e-mail address (to be left out). With WAIT_FOR_SIGNAL the service stays up until it is stopped.
import { context, propagation, trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';

const tracer = trace.getTracer('shop-api');
const baggage = propagation.createBaggage({ 'tenant.id': { value: 'acme' }, 'user.email': { value: 'ann@example.com' } });

await context.with(propagation.setBaggage(context.active(), baggage), () =>
  tracer.startActiveSpan('checkout', async (span) => {
    await sleep(5);
    tracer.startSpan('charge card').end();
    span.end();
  }),
);

if (process.env['WAIT_FOR_SIGNAL']) {
  setInterval(() => {}, 1000);
  console.log('ready');
}
