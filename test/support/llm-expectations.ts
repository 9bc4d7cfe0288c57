import { expect } from 'vitest';
import { USAGE } from './fake-llm.js';

// gpt-4o: $2.50 input, $1.25 cached input, $10.00 output per million tokens; the fake server answers with
// 31 prompt tokens of which 11 cached, and 17 completion tokens: (20·2.5 + 11·1.25 + 17·10) / 1e6.
export const GPT_4O_COST = (20 * 2.5 + 11 * 1.25 + 17 * 10) / 1e6;

/**
 * Every attribute (the `llm` convention) of a gpt-4o chat call at temperature 0 and max_tokens 64 that the fake
 * server answered: the call most execution fixtures make, through whichever SDK or framework they test.
 */
export function gpt4oChatAttributes(): Record<string, unknown> {
  return {
    'llm.provider': 'openai',
    'llm.model': 'gpt-4o',
    'llm.temperature': 0,
    'llm.max_tokens': 64,
    'llm.prompt_tokens': USAGE.input,
    'llm.response_tokens': USAGE.output,
    'llm.total_tokens': USAGE.input + USAGE.output,
    'llm.finish_reason': 'stop',
    'llm.cache_hit': true,
    'llm.cost_usd': expect.closeTo(GPT_4O_COST, 12),
    'llm.cost_usd_micros': Math.round(GPT_4O_COST * 1e6),
  };
}
