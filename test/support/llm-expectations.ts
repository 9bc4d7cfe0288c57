import { expect } from 'vitest';
import { USAGE } from './fake-llm.js';

// gpt-4o: $2.50 input, $1.25 cached input, $10.00 output per million tokens; the fake server answers with
// 31 prompt tokens of which 11 cached, and 17 completion tokens: (20·2.5 + 11·1.25 + 17·10) / 1e6.
export const GPT_4O_COST = (20 * 2.5 + 11 * 1.25 + 17 * 10) / 1e6;

/**
 * Every attribute (the `llm` convention) of a chat call at temperature 0 and max_tokens 64 that the fake server
 * answered: the call most execution fixtures make, through whichever SDK or framework they test. Without a
 * price, the call has no cost and the fake's cache counts are not read (`cache_hit` false).
 */
export function chatCallAttributes(call: { provider: string; model: string; cost?: number; finishReason?: string }): Record<string, unknown> {
  return {
    'llm.provider': call.provider,
    'llm.model': call.model,
    'llm.temperature': 0,
    'llm.max_tokens': 64,
    'llm.prompt_tokens': USAGE.input,
    'llm.response_tokens': USAGE.output,
    'llm.total_tokens': USAGE.input + USAGE.output,
    'llm.finish_reason': call.finishReason ?? 'stop',
    'llm.cache_hit': call.cost !== undefined,
    ...(call.cost === undefined ? {} : { 'llm.cost_usd': expect.closeTo(call.cost, 12), 'llm.cost_usd_micros': Math.round(call.cost * 1e6) }),
  };
}

/** gpt-4o through OpenAI's API. */
export const gpt4oChatAttributes = () => chatCallAttributes({ provider: 'openai', model: 'gpt-4o', cost: GPT_4O_COST });
