/**
 * Messaging and LLM client libraries otelify has no targets for yet, as a project imports them: their calls
 * get no span, and `apply` says so rather than leave the gap unsaid.
 */
export const UNCOVERED_LIBRARIES: readonly { module: string; kind: 'an LLM SDK' | 'a messaging library' }[] = [
  { module: 'groq-sdk', kind: 'an LLM SDK' },
  { module: 'together-ai', kind: 'an LLM SDK' },
  { module: 'replicate', kind: 'an LLM SDK' },
  { module: '@huggingface/inference', kind: 'an LLM SDK' },
  { module: '@google/generative-ai', kind: 'an LLM SDK' },
  { module: '@google-cloud/vertexai', kind: 'an LLM SDK' },
  { module: '@azure/openai', kind: 'an LLM SDK' },
  { module: 'portkey-ai', kind: 'an LLM SDK' },
  { module: 'bull', kind: 'a messaging library' },
  { module: 'bee-queue', kind: 'a messaging library' },
  { module: 'agenda', kind: 'a messaging library' },
  { module: 'node-rdkafka', kind: 'a messaging library' },
  { module: 'mqtt', kind: 'a messaging library' },
  { module: 'rhea', kind: 'a messaging library' },
  { module: '@azure/event-hubs', kind: 'a messaging library' },
  { module: '@aws-sdk/client-kinesis', kind: 'a messaging library' },
  { module: '@aws-sdk/client-eventbridge', kind: 'a messaging library' },
  { module: '@google-cloud/tasks', kind: 'a messaging library' },
];
