/**
 * `gen_ai.provider.name` of the services that speak the OpenAI API, by the host of a client's base URL.
 * Names are the semantic conventions' well-known values where one exists, else the service's own name.
 */
const PROVIDERS_BY_HOST: [RegExp, string][] = [
  [/(^|\.)openai\.azure\.com$|(^|\.)cognitiveservices\.azure\.com$/, 'azure.ai.openai'],
  [/(^|\.)services\.ai\.azure\.com$|(^|\.)inference\.ai\.azure\.com$/, 'azure.ai.inference'],
  [/(^|\.)openai\.com$/, 'openai'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)x\.ai$/, 'x_ai'],
  [/(^|\.)mistral\.ai$/, 'mistral_ai'],
  [/(^|\.)perplexity\.ai$/, 'perplexity'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)together\.(ai|xyz)$/, 'together'],
  [/(^|\.)fireworks\.ai$/, 'fireworks'],
  [/(^|\.)anthropic\.com$/, 'anthropic'],
  [/^generativelanguage\.googleapis\.com$/, 'gcp.gemini'],
  [/aiplatform\.googleapis\.com$/, 'gcp.vertex_ai'],
  [/(^|\.)cohere\.(ai|com)$/, 'cohere'],
];

/** Ollama's default port: a local server on it is Ollama's OpenAI-compatible endpoint. */
const OLLAMA_PORT = '11434';

/**
 * Provider (when the host is a known service), server address and port of a literal base URL; undefined when
 * the URL does not parse.
 */
export function providerFromURL(url: string): { provider?: string; server: string; port?: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const server = parsed.hostname;
  const port = parsed.port || undefined;
  const known = PROVIDERS_BY_HOST.find(([pattern]) => pattern.test(server))?.[1];
  const provider = known ?? (port === OLLAMA_PORT || /ollama/.test(server) ? 'ollama' : undefined);
  return { ...(provider ? { provider } : {}), server, ...(port ? { port } : {}) };
}
