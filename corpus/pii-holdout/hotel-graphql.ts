import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { trace, metrics, context, propagation, Span, SpanStatusCode } from '@opentelemetry/api';
import { summarize } from './lib-people';

type GuestInput = { fullName: string; email: string; phone: string; documentNo?: string };
type CardInput = { number: string; expiry: string; holder: string; cvc: string };
type BookingInput = {
  hotelId: string;
  roomType: string;
  checkIn: string;
  checkOut: string;
  guests: GuestInput[];
  requests?: string;
  card: CardInput;
};
type Ctx = { channel: string; clientIp: string };

const typeDefs = `#graphql
  input GuestInput { fullName: String!, email: String!, phone: String!, documentNo: String }
  input CardInput { number: String!, expiry: String!, holder: String!, cvc: String! }
  input BookingInput { hotelId: ID!, roomType: String!, checkIn: String!, checkOut: String!, guests: [GuestInput!]!, requests: String, card: CardInput! }
  type Booking { id: ID!, status: String! }
  type Guest { id: ID!, fullName: String! }
  type Query { guestLookup(query: String!): [Guest!]! }
  type Mutation { createBooking(input: BookingInput!): Booking! }
`;

const CHANNELS = new Set(['web', 'ios', 'android', 'agent']);

const tracer = trace.getTracer('hotel-graphql');
const meter = metrics.getMeter('hotel-graphql');
const bookings = meter.createCounter('hotel.bookings');
const stayLength = meter.createHistogram('hotel.nights');

function nightsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000));
}

function cardBrand(n: string): string {
  if (n.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(n)) return 'mastercard';
  if (/^3[47]/.test(n)) return 'amex';
  return 'other';
}

async function charge(card: CardInput, amountCents: number): Promise<string> {
  const res = await fetch(`${process.env.PSP_URL}/charges`, { method: 'POST', body: JSON.stringify({ card, amountCents }) });
  if (res.status === 402) throw new Error(`card ${card.number} declined for ${card.holder}`);
  const body = (await res.json()) as { id: string };
  return body.id;
}

async function createBooking(span: Span, input: BookingInput, ctx: Ctx) {
  const nights = nightsBetween(input.checkIn, input.checkOut);
  span.setAttribute('booking.nights', nights); // ok
  const [lead] = input.guests;
  span.setAttribute('booking.lead', lead.fullName); // pii
  span.setAttribute('booking.party', summarize(input.guests.map((g) => g.fullName))); // pii
  span.setAttribute('payment.brand', cardBrand(input.card.number)); // ok
  span.setAttribute('payment.on_file_for', input.card.holder); // pii
  const docs = input.guests.map((g) => g.documentNo).filter((d): d is string => Boolean(d));
  span.addEvent('checkin.precheck', { documents: docs }); // pii
  if (input.requests) span.setAttribute('booking.remarks', input.requests); // pii

  const bag = propagation.createBaggage({ 'booking.channel': { value: ctx.channel } }); // ok
  const enriched = bag.setEntry('booking.guest', { value: lead.email }); // pii

  return context.with(propagation.setBaggage(context.active(), enriched), async () => {
    try {
      const chargeId = await charge(input.card, nights * 12_000);
      bookings.add(1, { hotel: input.hotelId, channel: ctx.channel, room: input.roomType }); // ok
      stayLength.record(nights, { room: input.roomType }); // ok
      span.setStatus({ code: SpanStatusCode.OK }); // ok
      return { id: chargeId, status: 'CONFIRMED' };
    } catch (err) {
      span.recordException(err as Error); // pii
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message }); // pii
      return { id: '', status: 'PAYMENT_FAILED' };
    } finally {
      span.end();
    }
  });
}

const resolvers = {
  Query: {
    guestLookup: async (_: unknown, args: { query: string }) => {
      const span = trace.getActiveSpan();
      span?.setAttribute('lookup.input', args.query); // pii
      return [];
    },
  },
  Mutation: {
    createBooking: (_: unknown, { input }: { input: BookingInput }, ctx: Ctx) => {
      return tracer.startActiveSpan('booking.create', { attributes: { 'hotel.id': input.hotelId, 'room.type': input.roomType } }, (span) => createBooking(span, input, ctx)); // ok
    },
  },
};

const server = new ApolloServer<Ctx>({ typeDefs, resolvers });

startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 4000) },
  context: async ({ req }) => ({
    channel: CHANNELS.has(String(req.headers['x-channel'])) ? String(req.headers['x-channel']) : 'web',
    clientIp: req.socket.remoteAddress ?? '',
  }),
});
