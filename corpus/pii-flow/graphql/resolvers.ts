import { trace, SpanStatusCode } from '@opentelemetry/api';
import type { GraphQLResolveInfo } from 'graphql';
import { displayName, isAdmin, type Principal } from '../shared/identity.js';

const tracer = trace.getTracer('graphql-api');

interface CustomerRecord {
  id: string;
  legalName: string;
  vatNumber: string | null;
  segment: 'smb' | 'mid' | 'enterprise';
}

interface Loaders {
  customer: { load(id: string): Promise<CustomerRecord | null> };
}

interface Ctx {
  viewer: Principal | null;
  ip: string;
  loaders: Loaders;
}

interface PeopleFilter {
  lastName?: string;
  city?: string;
  bornAfter?: string;
}

interface InviteInput {
  emails: string[];
  role: 'viewer' | 'editor' | 'admin';
  note?: string;
}

function score(pw: string): number {
  return Math.min(4, Math.floor(pw.length / 4));
}

export const resolvers = {
  Query: {
    customer: async (_parent: unknown, args: { id: string }, ctx: Ctx, info: GraphQLResolveInfo) => {
      const span = trace.getActiveSpan();
      span?.setAttribute('customer.id', args.id); // ok
      const c = await ctx.loaders.customer.load(args.id);
      span?.setAttribute('viewer', JSON.stringify(ctx.viewer)); // pii
      span?.setAttribute('customer.label', c ? c.legalName : ''); // pii
      return c;
    },
    people: async (_parent: unknown, args: { filter: PeopleFilter; first?: number }, ctx: Ctx) => {
      const span = tracer.startSpan('people.search', { attributes: { 'page.size': args.first ?? 20, 'people.last_name': args.filter.lastName ?? '' } }); // pii
      span.setAttribute('filter', JSON.stringify(args.filter)); // pii
      span.setAttribute('filter.keys', Object.keys(args.filter).length); // ok
      span.setAttribute('viewer.admin', ctx.viewer ? isAdmin(ctx.viewer) : false); // ok
      span.setAttribute('viewer.ip', ctx.ip); // pii
      span.end();
      return [];
    },
  },
  Mutation: {
    inviteMembers: async (_parent: unknown, { input }: { input: InviteInput }, ctx: Ctx) => {
      const span = tracer.startSpan('invite.members', { attributes: { 'invite.role': input.role, 'invite.count': input.emails.length } }); // ok
      const list = input.emails.map((e) => e.trim().toLowerCase()).join(',');
      span.setAttribute('invite.to', list); // pii
      span.setAttribute('invite.by', ctx.viewer?.email ?? 'system'); // pii
      span.setAttribute('enduser.id', ctx.viewer?.id ?? 'anonymous'); // ok
      span.setAttribute('invite.by_name', ctx.viewer ? displayName(ctx.viewer) : ''); // pii
      if (input.note) span.addEvent('invite.note', { text: input.note }); // pii
      if (input.note) span.addEvent('invite.note', { chars: input.note.length }); // ok
      span.end();
      return { invited: input.emails.length };
    },
    updatePassword: async (_parent: unknown, args: { current: string; next: string }, ctx: Ctx) => {
      const span = trace.getActiveSpan();
      if (!ctx.viewer) {
        span?.setStatus({ code: SpanStatusCode.ERROR, message: 'unauthenticated' }); // ok
        throw new Error('unauthenticated');
      }
      span?.setAttribute('password.length', args.next.length); // ok
      span?.setAttribute('password.changed', args.current !== args.next); // ok
      const [, b] = [args.current, args.next];
      span?.setAttributes({ 'pw.strength': score(b), 'pw.candidate': b }); // pii
      return true;
    },
  },
};
