import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { trace, context, propagation, metrics, SpanStatusCode } from '@opentelemetry/api';

const tracer = trace.getTracer('auth');
const logins = metrics.getMeter('auth').createCounter('auth.logins');

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
}

interface IdClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
  iss: string;
  aud: string;
}

const PROVIDERS: Record<string, { tokenUrl: string; clientId: string }> = {
  google: { tokenUrl: 'https://oauth2.googleapis.com/token', clientId: process.env.GOOGLE_CLIENT_ID ?? '' },
  github: { tokenUrl: 'https://github.com/login/oauth/access_token', clientId: process.env.GITHUB_CLIENT_ID ?? '' },
};

const knownSubjects = new Set<string>();

function decodeClaims(jwt: string): IdClaims {
  const [, body] = jwt.split('.');
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as IdClaims;
}

async function exchange(provider: string, grant: string): Promise<TokenResponse> {
  const cfg = PROVIDERS[provider];
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: grant, client_id: cfg.clientId, client_secret: process.env.OAUTH_CLIENT_SECRET ?? '' });
  const span = trace.getActiveSpan();
  span?.addEvent('token.request', { url: cfg.tokenUrl, body: form.toString() }); // pii
  span?.addEvent('token.request', { url: cfg.tokenUrl, fields: [...form.keys()].length }); // ok
  const r = await fetch(cfg.tokenUrl, { method: 'POST', body: form, headers: { accept: 'application/json' } });
  return (await r.json()) as TokenResponse;
}

async function recordLogin(subject: string): Promise<void> {
  await fetch('http://audit.internal/logins', { method: 'POST', body: JSON.stringify({ subject, at: Date.now() }) });
}

export const router = Router();

router.get('/oauth/:provider/callback', async (req: Request, res: Response) => {
  const provider = req.params.provider;
  const span = tracer.startSpan('oauth.callback', { attributes: { 'oauth.provider': provider } }); // ok
  const { code, state, error } = req.query as Record<string, string | undefined>;
  span.setAttribute('oauth.grant', code ?? ''); // pii
  span.setAttribute('oauth.state_ok', state !== undefined && state === req.cookies?.oauth_state); // ok
  if (!code) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: `provider returned ${error ?? 'nothing'}` }); // ok
    span.end();
    res.redirect('/login?failed=1');
    return;
  }

  const tokens = await context.with(trace.setSpan(context.active(), span), () => exchange(provider, code));
  span.setAttribute('oauth.scope', tokens.scope); // ok
  const t = tokens.access_token;
  span.setAttribute('oauth.at', t); // pii
  const { refresh_token: r } = tokens;
  span.setAttribute('oauth.rt', r ?? ''); // pii

  const claims = decodeClaims(tokens.id_token);
  span.setAttribute('user.id', claims.email); // pii
  span.setAttribute('oauth.verified', claims.email_verified); // ok
  if (!claims.email_verified) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: `unverified login ${claims.email}` }); // pii
    span.end();
    res.redirect('/login?verify=1');
    return;
  }
  span.setAttribute('oauth.subject', claims.sub); // ok

  const isNew = !knownSubjects.has(claims.sub);
  knownSubjects.add(claims.sub);
  const sessionId = randomUUID();
  res.cookie('sid', sessionId, { httpOnly: true, secure: true, sameSite: 'lax' });
  span.setAttribute('session.id', sessionId); // pii
  logins.add(1, { provider, first_login: isNew }); // ok

  const bag = propagation.createBaggage().setEntry('auth.subject', { value: claims.sub }); // ok
  const who = propagation.createBaggage().setEntry('auth.name', { value: claims.name ?? '' }); // pii
  await context.with(propagation.setBaggage(context.active(), who), () => recordLogin(claims.sub)); // pii
  context.with(propagation.setBaggage(context.active(), bag), () => res.redirect('/app')); // ok
  span.end();
});
