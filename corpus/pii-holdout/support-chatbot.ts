import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { trace, metrics, Span, SpanStatusCode } from '@opentelemetry/api';

type Turn = { role: 'user' | 'assistant'; content: string };

export interface Conversation {
  id: string;
  customerId: number;
  locale: string;
  history: Turn[];
}

const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
const MODEL = process.env.BOT_MODEL ?? 'gpt-4o-mini';
const SYSTEM = 'You are the support assistant for Parcelly. Be brief. Use lookup_customer when you need account details.';

const tracer = trace.getTracer('support-bot');
const meter = metrics.getMeter('support-bot');
const tokenUsage = meter.createCounter('gen_ai.client.token.usage');
const latency = meter.createHistogram('gen_ai.client.operation.duration', { unit: 'ms' });
const handoffs = meter.createCounter('bot.handoffs');

const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'lookup_customer',
      description: 'Find a customer account by email address or phone number',
      parameters: { type: 'object', properties: { email: { type: 'string' }, phone: { type: 'string' } } },
    },
  },
];

function buildMessages(conv: Conversation, question: string): ChatCompletionMessageParam[] {
  return [{ role: 'system', content: SYSTEM }, ...conv.history, { role: 'user', content: question }];
}

function transcript(turns: Turn[]): string {
  return turns.map((t) => `${t.role}: ${t.content}`).join('\n');
}

function topicOf(text: string): 'billing' | 'delivery' | 'returns' | 'other' {
  if (/refund|invoice|charge/i.test(text)) return 'billing';
  if (/late|courier|tracking/i.test(text)) return 'delivery';
  if (/return|exchange/i.test(text)) return 'returns';
  return 'other';
}

async function run(span: Span, conv: Conversation, question: string): Promise<string> {
  try {
    span.setAttribute('bot.topic', topicOf(question)); // ok
    const messages = buildMessages(conv, question);
    span.setAttribute('gen_ai.input.messages', JSON.stringify(messages)); // pii
    span.addEvent('gen_ai.user.message', { content: question }); // pii
    const t0 = performance.now();
    const completion = await client.chat.completions.create({ model: MODEL, messages, tools, temperature: 0.2 });
    latency.record(performance.now() - t0, { 'gen_ai.request.model': MODEL }); // ok
    const choice = completion.choices[0];
    const text = choice.message.content ?? '';
    tokenUsage.add(completion.usage?.prompt_tokens ?? 0, { 'gen_ai.token.type': 'input', 'gen_ai.response.model': completion.model }); // ok
    tokenUsage.add(completion.usage?.completion_tokens ?? 0, { 'gen_ai.token.type': 'output', 'gen_ai.response.model': completion.model }); // ok
    for (const call of choice.message.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      span.addEvent('gen_ai.tool.call', { name: call.function.name }); // ok
      span.addEvent('gen_ai.tool.arguments', { value: call.function.arguments }); // pii
    }
    span.addEvent('gen_ai.choice', { index: 0, content: text }); // pii
    if (/\b(human|agent|representative)\b/i.test(question)) {
      handoffs.add(1, { reason: 'requested', locale: conv.locale }); // ok
      span.addEvent('bot.handoff', { context: transcript([...conv.history, { role: 'user', content: question }]) }); // pii
    }
    const preview = text.slice(0, 120);
    span.setAttribute('bot.reply_preview', preview); // pii
    return text;
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name }); // ok
    throw err;
  } finally {
    span.end();
  }
}

export function answer(conv: Conversation, question: string): Promise<string> {
  return tracer.startActiveSpan('chat ' + MODEL, { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.conversation.id': conv.id } }, (span) => run(span, conv, question)); // ok
}
