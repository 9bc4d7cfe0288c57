import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '../packages/runtime/src/llm-prices.js';

describe('priceOf', () => {
  it.each([
    ['gpt-4o', { input: 2.5, output: 10, cacheRead: 1.25 }],
    ['gpt-4o-2024-08-06', { input: 2.5, output: 10, cacheRead: 1.25 }],
    ['gpt-4o-mini', { input: 0.15, output: 0.6, cacheRead: 0.075 }],
    ['gpt-4o-mini-2024-07-18', { input: 0.15, output: 0.6, cacheRead: 0.075 }],
    ['claude-sonnet-4-20250514', { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
    ['claude-sonnet-4-0', { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }],
    ['claude-3-5-haiku-latest', { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 }],
  ])('%s has its list price', (model, price) => {
    expect(priceOf(model)).toEqual(price);
  });

  it.each([
    ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['eu.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['claude-sonnet-4@20250514', 'claude-sonnet-4'],
    ['models/gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['GPT-4O-2024-11-20', 'gpt-4o'],
    ['mistral-large-2411', 'mistral-large'],
    ['command-r-plus-08-2024', 'command-r-plus'],
  ])('%s is priced as %s', (model, base) => {
    expect(priceOf(model)).toBeDefined();
    expect(priceOf(model)).toEqual(priceOf(base));
  });

  it.each([
    ['gpt-4o-mini-2024-07-18', 'gpt-4o'],
    ['o1-mini', 'o1'],
    ['gpt-4.1-nano', 'gpt-4.1'],
    ['gemini-2.5-flash-lite', 'gemini-2.5-flash'],
    ['claude-opus-4-5-20251101', 'claude-opus-4'],
    ['command-r-plus', 'command-r'],
  ])('%s is not mistaken for %s', (model, shorter) => {
    expect(priceOf(model)).toBeDefined();
    expect(priceOf(model)).not.toEqual(priceOf(shorter));
  });

  it('knows nothing of unknown models (no price, so no cost attribute, never a cost of 0)', () => {
    expect(priceOf('my-finetune')).toBeUndefined();
    expect(priceOf('gpt-4o-mystery-edition')).toBeUndefined();
    expect(priceOf(undefined)).toBeUndefined();
    expect(priceOf('')).toBeUndefined();
  });

  it('takes overrides first: exact names, then the longest prefix, for new and built-in models', () => {
    const overrides = {
      'ft:gpt-4o-mini:acme*': { input: 0.3, output: 1.2 },
      'ft:gpt-4o-mini:acme:support*': { input: 0.5, output: 2 },
      'gpt-4o': { input: 2, output: 8 },
    };
    expect(priceOf('ft:gpt-4o-mini:acme:billing:1', overrides)).toEqual({ input: 0.3, output: 1.2 });
    expect(priceOf('ft:gpt-4o-mini:acme:support:7', overrides)).toEqual({ input: 0.5, output: 2 });
    expect(priceOf('gpt-4o', overrides)).toEqual({ input: 2, output: 8 });
    expect(priceOf('gpt-4o-2024-08-06', overrides)).toEqual({ input: 2.5, output: 10, cacheRead: 1.25 });
  });
});

describe('costOf', () => {
  it('prices cached input at the cache-read rate and the rest at the input rate', () => {
    // 1,000 prompt tokens of which 400 cached, 200 completion tokens on gpt-4o.
    expect(costOf({ inputTokens: 1000, cacheReadTokens: 400, outputTokens: 200 }, priceOf('gpt-4o')!)).toBe((600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6);
  });

  it('prices cache writes where the provider charges for them', () => {
    const price = priceOf('claude-sonnet-4')!;
    expect(costOf({ inputTokens: 100, cacheReadTokens: 10, cacheWriteTokens: 50, outputTokens: 20 }, price)).toBeCloseTo((40 * 3 + 10 * 0.3 + 50 * 3.75 + 20 * 15) / 1e6, 12);
  });

  it('uses the input price for cached tokens when the model has no cache price', () => {
    expect(costOf({ inputTokens: 100, cacheReadTokens: 100, outputTokens: 0 }, { input: 1, output: 2 })).toBe(100 / 1e6);
  });

  it('costs 0 for a known model that used no tokens, and nothing without token counts', () => {
    expect(costOf({ inputTokens: 0, outputTokens: 0 }, priceOf('gpt-4o')!)).toBe(0);
    expect(costOf({}, priceOf('gpt-4o')!)).toBeUndefined();
  });

  it('never goes negative when a provider reports more cached than input tokens', () => {
    expect(costOf({ inputTokens: 5, cacheReadTokens: 10, outputTokens: 0 }, priceOf('gpt-4o')!)).toBe((10 * 1.25) / 1e6);
  });
});
