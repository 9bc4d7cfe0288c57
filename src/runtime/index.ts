export * from './queues.js';
export { traceLLM, llmRequest, setLLMPrices, recordPromptHash, type LLMSpec, type LLMConvention } from './llm.js';
import './llm-openai.js';
import './llm-anthropic.js';
import './llm-google.js';
import './llm-bedrock.js';
import './llm-ai.js';
import './llm-mistral.js';
import './llm-cohere.js';
