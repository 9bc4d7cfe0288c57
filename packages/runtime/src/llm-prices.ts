// Model prices for `llm.cost_usd`, in USD per million tokens, matched by model name. Public list prices of
// the providers' own APIs (standard tier, no batch discount; Gemini 2.5 Pro at its up-to-200k-token tier).
// A model not in the table gets no cost attribute, never a cost of 0. Override or extend it in the config
// (`prices`) or with `setLLMPrices()`.

/** USD per one million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/**
 * Token usage normalized across providers: `inputTokens` includes cached (read and written) input tokens,
 * `outputTokens` includes reasoning tokens.
 */
export interface LLMUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** User prices: an exact model name, or a prefix ending in `*`. */
export type PriceTable = Record<string, ModelPrice>;

export const PRICES_CHECKED = '2026-08-21';

/** [model name as the provider's API spells it, input, output, cache read, cache write]. */
const PRICE_LIST: [string, number, number, number?, number?][] = [
  // OpenAI (cached input is a read; there is no charge for writing the cache)
  ['gpt-4o', 2.5, 10, 1.25],
  ['gpt-4o-mini', 0.15, 0.6, 0.075],
  ['gpt-4.1', 2, 8, 0.5],
  ['gpt-4.1-mini', 0.4, 1.6, 0.1],
  ['gpt-4.1-nano', 0.1, 0.4, 0.025],
  ['gpt-5', 1.25, 10, 0.125],
  ['gpt-5-mini', 0.25, 2, 0.025],
  ['gpt-5-nano', 0.05, 0.4, 0.005],
  ['gpt-4-turbo', 10, 30],
  ['gpt-4', 30, 60],
  ['gpt-3.5-turbo', 0.5, 1.5],
  ['gpt-3.5-turbo-instruct', 1.5, 2],
  ['o1', 15, 60, 7.5],
  ['o1-mini', 1.1, 4.4, 0.55],
  ['o3', 2, 8, 0.5],
  ['o3-mini', 1.1, 4.4, 0.55],
  ['o4-mini', 1.1, 4.4, 0.275],
  ['text-embedding-3-small', 0.02, 0],
  ['text-embedding-3-large', 0.13, 0],
  ['text-embedding-ada-002', 0.1, 0],
  // Anthropic (cache reads 0.1x input, 5-minute cache writes 1.25x input)
  ['claude-3-haiku', 0.25, 1.25, 0.03, 0.3],
  ['claude-3-5-haiku', 0.8, 4, 0.08, 1],
  ['claude-haiku-4-5', 1, 5, 0.1, 1.25],
  ['claude-3-5-sonnet', 3, 15, 0.3, 3.75],
  ['claude-3-7-sonnet', 3, 15, 0.3, 3.75],
  ['claude-sonnet-4', 3, 15, 0.3, 3.75],
  ['claude-sonnet-4-5', 3, 15, 0.3, 3.75],
  ['claude-3-opus', 15, 75, 1.5, 18.75],
  ['claude-opus-4', 15, 75, 1.5, 18.75],
  ['claude-opus-4-1', 15, 75, 1.5, 18.75],
  ['claude-opus-4-5', 5, 25, 0.5, 6.25],
  // Google Gemini API
  ['gemini-1.5-flash', 0.075, 0.3, 0.01875],
  ['gemini-1.5-pro', 1.25, 5, 0.3125],
  ['gemini-2.0-flash', 0.1, 0.4, 0.025],
  ['gemini-2.0-flash-lite', 0.075, 0.3],
  ['gemini-2.5-flash', 0.3, 2.5, 0.075],
  ['gemini-2.5-flash-lite', 0.1, 0.4, 0.025],
  ['gemini-2.5-pro', 1.25, 10, 0.31],
  // Mistral, Cohere, DeepSeek, and Llama as Groq serves it
  ['mistral-large', 2, 6],
  ['mistral-medium', 0.4, 2],
  ['mistral-small', 0.1, 0.3],
  ['codestral', 0.3, 0.9],
  ['ministral-8b', 0.1, 0.1],
  ['command-a', 2.5, 10],
  ['command-r-plus', 2.5, 10],
  ['command-r', 0.15, 0.6],
  ['deepseek-chat', 0.27, 1.1, 0.07],
  ['deepseek-reasoner', 0.55, 2.19, 0.14],
  ['llama-3.1-8b-instant', 0.05, 0.08],
  ['llama-3.3-70b-versatile', 0.59, 0.79],
];

const BUILT_IN = new Map<string, ModelPrice>(
  PRICE_LIST.map(([model, input, output, cacheRead, cacheWrite]) => [
    model,
    { input, output, ...(cacheRead !== undefined ? { cacheRead } : {}), ...(cacheWrite !== undefined ? { cacheWrite } : {}) },
  ]),
);

/**
 * The model's own name: without a provider prefix (`openai/`, `models/`), a Bedrock id's vendor, region and
 * version (`us.anthropic.claude-3-5-haiku-20241022-v1:0`), or a Vertex version (`claude-sonnet-4@20250514`).
 */
function baseName(model: string): string {
  let name = model.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  name = name.replace(/@.*$/, '');
  name = name.replace(/^(us|eu|apac|global|us-gov|jp|au|ca)\.(?=[a-z-]+\.)/, '');
  name = name.replace(/^(anthropic|meta|mistral|cohere|amazon|openai|deepseek)\./, '');
  return name.replace(/-v\d+(:\d+)?$/, '').replace(/:\d+$/, '');
}

/** Parts a dated snapshot or alias adds to a model's name: `-2024-08-06`, `-20250514`, `-latest`, `-0`, `-001`, `-2411`. */
const VARIANT_PART = /^(\d{2}|\d{3}|\d{4}|\d{8}|0|latest|exp|preview)$/;

function isVariantOf(name: string, model: string): boolean {
  if (name === model) return true;
  if (!name.startsWith(`${model}-`)) return false;
  return name.slice(model.length + 1).split('-').every((part) => VARIANT_PART.test(part));
}

/** Model names already looked up: an application calls few models, many times. */
const found = new Map<string, ModelPrice | undefined>();

/** The table entry the name is, or is a snapshot or alias of. */
function lookup(model: string): ModelPrice | undefined {
  if (found.has(model)) return found.get(model);
  const name = baseName(model);
  let price: ModelPrice | undefined;
  for (const [entry, entryPrice] of BUILT_IN) if (isVariantOf(name, entry)) price = entryPrice;
  if (found.size < 1000) found.set(model, price);
  return price;
}

/** The price of a model: the overrides first (exact, then the longest `prefix*`), then the built-in table. */
export function priceOf(model: string | undefined, overrides: PriceTable = {}): ModelPrice | undefined {
  if (!model) return undefined;
  const exact = overrides[model];
  if (exact) return exact;
  let prefix: string | undefined;
  for (const key of Object.keys(overrides)) {
    if (key.endsWith('*') && model.startsWith(key.slice(0, -1)) && (!prefix || key.length > prefix.length)) prefix = key;
  }
  if (prefix) return overrides[prefix];
  return lookup(model);
}

/** Cost in USD, or undefined when the usage has no token counts. */
export function costOf(usage: LLMUsage, price: ModelPrice): number | undefined {
  const { inputTokens, outputTokens } = usage;
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, (inputTokens ?? 0) - cacheRead - cacheWrite);
  const dollars =
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (outputTokens ?? 0) * price.output;
  return Math.round((dollars / 1e6) * 1e10) / 1e10;
}
