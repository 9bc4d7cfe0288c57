// Settings a project chooses at start-up. A vendored runtime has the config's values written in instead.
import { recordPromptHash, setLLMPrices } from './llm.js';
import type { PriceTable } from './llm-prices.js';
import { shared } from './shared.js';

export interface RuntimeSettings {
  /** Name of the tracer and meter (default `otelify`). */
  tracerName?: string | undefined;
  /** Model prices in USD per million tokens, added to or replacing the built-in table (`name*` matches a prefix). */
  prices?: PriceTable | undefined;
  /** Record `llm.prompt_hash` (default false). */
  promptHash?: boolean | undefined;
  /**
   * Record the message and stack of exceptions (default false: only their class, as `exception.type` and
   * `error.type`). Messages often quote user data; turn this on only where they do not.
   */
  errorMessages?: boolean | undefined;
}

/** Applies the settings of `otelify.config.*` that matter at run time; call it before the first span. */
export function configure(settings: RuntimeSettings): void {
  if (settings.tracerName !== undefined) shared.tracerName = settings.tracerName;
  if (settings.prices !== undefined) setLLMPrices(settings.prices);
  if (settings.promptHash !== undefined) recordPromptHash(settings.promptHash);
  if (settings.errorMessages !== undefined) shared.errorMessages = settings.errorMessages;
}
