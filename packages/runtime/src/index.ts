// The queue helpers and the LLM span core. No LLM adapter is loaded from here: rewritten code imports the
// adapter of each LLM library it calls (`@otelify/runtime/openai`), so a queue-only project carries none.
export * from './queues.js';
export { traceNestClient, nestMessageInterceptor, nestMessageContext, type NestMessageInterceptor } from './nestjs-microservices.js';
export { traceLLM, llmRequest, llmAttributeNames, setLLMPrices, recordPromptHash, type LLMSpec, type LLMConvention, type LLMSettings } from './llm.js';
export type { PriceTable, ModelPrice } from './llm-prices.js';
export { configure, type RuntimeSettings } from './settings.js';
export { exceptionAttributeNames } from './shared.js';
