import Fastify from 'fastify';
import { trace, context, propagation } from '@opentelemetry/api';
import { annotateRoute } from '../shared/span-tags.js';

const tracer = trace.getTracer('profile-service');
const app = Fastify({ logger: false });

interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  postcode: string;
  country: string;
}

interface ProfilePatch {
  displayName?: string;
  bio?: string;
  address?: PostalAddress;
  birthDate?: string;
  locale?: string;
}

function formatAddress(a: PostalAddress): string {
  const parts = [a.line1, a.line2, `${a.postcode} ${a.city}`];
  return parts.filter((p) => p && p.length > 0).join(', ');
}

async function notifyFollowers(userId: string): Promise<void> {
  await fetch(`http://fanout.internal/users/${userId}/profile-changed`, { method: 'POST' });
}

app.patch<{ Params: { userId: string }; Body: ProfilePatch }>('/profiles/:userId', async (request, reply) => {
  const span = trace.getActiveSpan() ?? tracer.startSpan('profile.patch'); // ok
  annotateRoute(span, request.method, request.routeOptions.url ?? '/profiles/:userId');
  const { userId } = request.params;
  span.updateName(`PATCH /profiles/:userId`); // ok

  const patch = request.body;
  const fields = Object.keys(patch);
  span.setAttribute('profile.fields', fields.join(',')); // ok

  const a = patch.address;
  if (a) {
    const where = formatAddress(a);
    span.setAttribute('profile.shipping', where); // pii
    span.addEvent('profile.address.changed', { ...a }); // pii
  }

  if (patch.birthDate) {
    const d = new Date(patch.birthDate);
    span.setAttribute('profile.dob_valid', !Number.isNaN(d.getTime())); // ok
    span.setAttribute('profile.dob', d.toISOString().slice(0, 10)); // pii
  }

  const about = patch.bio ?? '';
  span.addEvent('profile.bio.updated', { preview: about.slice(0, 40), length: about.length }); // pii
  span.addEvent('profile.bio.stats', { length: about.length, lines: about.split('\n').length }); // ok

  const label = patch.displayName ?? '';
  const bag = (propagation.getActiveBaggage() ?? propagation.createBaggage()).setEntry('profile.display', { value: label }); // pii
  await context.with(propagation.setBaggage(context.active(), bag), () => notifyFollowers(userId)); // pii

  const flags = (propagation.getActiveBaggage() ?? propagation.createBaggage()).setEntry('profile.locale_changed', { value: String(patch.locale !== undefined) }); // ok
  await context.with(propagation.setBaggage(context.active(), flags), () => notifyFollowers(userId)); // ok

  return reply.code(204).send();
});

await app.listen({ port: 8080 });
