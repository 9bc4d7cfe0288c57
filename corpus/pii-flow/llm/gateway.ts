import { trace, metrics, SpanStatusCode } from '@opentelemetry/api';
import { fingerprint } from '../shared/hash.js';

const tracer = trace.getTracer('llm-gateway');
const tokenUsage = metrics.getMeter('llm-gateway').createHistogram('gen_ai.client.token.usage', { unit: '{token}' });

interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
}

interface CompletionResponse {
  id: string;
  model: string;
  choices: { message: ChatMessage; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number };
}

async function upstream(req: CompletionRequest): Promise<CompletionResponse> {
  const body = JSON.stringify({ model: req.model, messages: req.messages, temperature: req.temperature, max_tokens: req.maxTokens });
  const span = trace.getActiveSpan();
  span?.setAttribute('http.request.body', body); // pii
  span?.setAttribute('http.request.body.size', body.length); // ok
  const r = await fetch('https://llm.internal/v1/chat/completions', { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.LLM_KEY}` } });
  if (!r.ok) {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `upstream ${r.status}` }); // ok
  }
  return (await r.json()) as CompletionResponse;
}

export async function complete(req: CompletionRequest): Promise<CompletionResponse> {
  const span = tracer.startSpan(`chat ${req.model}`, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': req.model } }); // ok
  const sys = req.messages.find((m) => m.role === 'system');
  span.setAttribute('gen_ai.system_prompt.hash', sys ? fingerprint(sys.content) : 'none'); // ok
  const last = req.messages[req.messages.length - 1];
  span.setAttribute('gen_ai.prompt', last.content); // pii
  span.updateName(`chat: ${last.content.slice(0, 32)}`); // pii
  span.addEvent('gen_ai.user.message', { content: req.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n') }); // pii

  const res = await upstream(req);
  span.setAttributes({ 'gen_ai.usage.input_tokens': res.usage.prompt_tokens, 'gen_ai.usage.output_tokens': res.usage.completion_tokens }); // ok
  span.setAttribute('gen_ai.response.finish_reasons', res.choices.map((c) => c.finish_reason)); // ok
  const out = res.choices[0]?.message.content ?? '';
  span.addEvent('gen_ai.choice', { message: out }); // pii
  tokenUsage.record(res.usage.prompt_tokens, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': req.model }); // ok
  span.end();
  return res;
}

function buildPrompt(ticket: { customerName: string; question: string }): string {
  return `You are a support agent for Acme. The customer ${ticket.customerName} asks: ${ticket.question}\nAnswer politely in under 120 words.`;
}

export async function draftReply(ticket: { id: string; customerName: string; question: string }): Promise<string> {
  const p = buildPrompt(ticket);
  const span = trace.getActiveSpan();
  span?.setAttribute('llm.input', p); // pii
  const res = await complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p }], temperature: 0.3 });
  const reply = res.choices[0]?.message.content ?? '';
  span?.setAttribute('llm.output', reply); // pii
  span?.setAttribute('llm.output_empty', reply.trim() === ''); // ok
  return reply;
}
