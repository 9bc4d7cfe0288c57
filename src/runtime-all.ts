// `otelify/runtime`, as earlier releases' build plugins imported it: the runtime package with every LLM adapter.
// Rewritten code now imports `@otelify/runtime` and the adapter of each library it calls.
export * from '@otelify/runtime';
import '@otelify/runtime/openai';
import '@otelify/runtime/anthropic';
import '@otelify/runtime/google-genai';
import '@otelify/runtime/bedrock';
import '@otelify/runtime/ai';
import '@otelify/runtime/mistral';
import '@otelify/runtime/cohere';
import '@otelify/runtime/ollama';
