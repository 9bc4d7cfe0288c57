import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * A loopback server speaking the wire formats of the OpenAI (and Mistral), Anthropic, Gemini, Bedrock and
 * Cohere v2 APIs (JSON and server-sent events), so the real SDK clients run against it. The requested model picks the scenario:
 * `error-429`/`error-500`/`error-400` fail with that status, `mid-error*` streams two chunks and drops the
 * connection, `slow*` streams 20 chunks 50 ms apart; any other model succeeds.
 */
export interface FakeLLM {
  url: string;
  requests: { path: string; body: any }[];
  close(): Promise<void>;
}

/** In every completion; it must never reach a span. */
export const COMPLETION_SENTINEL = 'SENTINEL-COMPLETION-7f3a';

/** Token usage every success reports: input includes `cacheRead` (+ `cacheWrite` for Anthropic). */
export const USAGE = { input: 31, output: 17, cacheRead: 11, cacheWrite: 5, reasoning: 3 } as const;

const TEXT_PARTS = ['The answer ', 'is ', `${COMPLETION_SENTINEL} `, 'and ', 'that is all.'];

export async function startFakeLLM(): Promise<FakeLLM> {
  const requests: FakeLLM['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as any) : {};
      const path = (req.url ?? '').split('?')[0]!;
      requests.push({ path, body });
      route(req, res, path, body).catch((error: unknown) => {
        res.destroy(error as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Api = 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'cohere' | 'ollama';

async function route(req: IncomingMessage, res: ServerResponse, path: string, body: any): Promise<void> {
  const gemini = /^\/v1beta\/models\/([^:]+):(generateContent|streamGenerateContent)$/.exec(path);
  const bedrock = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(path);
  const model: string = gemini ? decodeURIComponent(gemini[1]!) : bedrock ? decodeURIComponent(bedrock[1]!) : String(body.model ?? '');
  const api: Api = gemini
    ? 'gemini'
    : bedrock
      ? 'bedrock'
      : path === '/v1/messages'
        ? 'anthropic'
        : path.startsWith('/v2/')
          ? 'cohere'
          : path.startsWith('/api/')
            ? 'ollama'
            : 'openai';
  const status = /^error-(\d{3})/.exec(model)?.[1];
  if (status) return sendError(res, api, Number(status));
  if (bedrock) {
    const operation = bedrock[2];
    if (operation === 'converse') return json(res, converse());
    if (operation === 'invoke') return json(res, message({ model }));
    return operation === 'converse-stream' ? streamConverse(res, model) : streamInvoke(res, model);
  }
  if (path === '/v1/chat/completions') return body.stream ? streamChat(res, body) : json(res, chatCompletion(body));
  if (path === '/v1/responses') return body.stream ? streamResponse(res, body) : json(res, response(body));
  if (path === '/v1/embeddings') return json(res, embeddings(body));
  if (path === '/v1/completions') return body.stream ? streamTextCompletion(res, body) : json(res, textCompletion(body));
  if (path === '/v1/messages') return body.stream ? streamMessage(res, body) : json(res, message(body));
  if (path === '/api/chat' || path === '/api/generate') return body.stream === false ? json(res, ollamaChunk(body, path, TEXT_PARTS.join(''), true)) : streamOllama(res, body, path);
  if (path === '/api/embed') return json(res, { model: body.model, embeddings: [[0.25, -0.5, 0.125]], total_duration: 1000, prompt_eval_count: USAGE.input });
  if (path === '/v2/chat') return body.stream ? streamCohere(res, body) : json(res, cohereChat());
  if (path === '/v2/embed') return json(res, cohereEmbed(body));
  if (gemini) return gemini[2] === 'streamGenerateContent' ? streamGemini(res, model) : json(res, geminiChunk(model, TEXT_PARTS.join(''), true));
  res.writeHead(404).end(`no route for ${req.method} ${path}`);
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_fake' }).end(JSON.stringify(value));
}

function sendError(res: ServerResponse, api: Api, status: number): void {
  // Error messages quote the request, as real providers' sometimes do: they must not reach a span either.
  const message = `Request failed (${COMPLETION_SENTINEL})`;
  const bodies: Record<Api, unknown> = {
    openai: { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', code: null, param: null } },
    anthropic: { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } },
    gemini: { error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } },
    bedrock: { message },
    cohere: { message },
    ollama: { error: message },
  };
  const awsType = status === 429 ? 'ThrottlingException' : status === 400 ? 'ValidationException' : 'InternalServerException';
  res
    .writeHead(status, { 'content-type': 'application/json', 'retry-after': '0', ...(api === 'bedrock' ? { 'x-amzn-errortype': awsType } : {}) })
    .end(JSON.stringify(bodies[api]));
}

/** Writes server-sent events: two chunks then a dropped connection for `mid-error*`, slowly for `slow*`. */
async function sse(res: ServerResponse, model: string, events: { event?: string; data: unknown }[], done?: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const slow = model.startsWith('slow');
  const list = slow ? Array.from({ length: 20 }, (_, i) => events[Math.min(i, events.length - 2)]!).concat(events.slice(-1)) : events;
  for (const [i, { event, data }] of list.entries()) {
    if (model.startsWith('mid-error') && i === 2) {
      // Let the first chunks leave before the connection drops (destroy discards unsent data).
      await new Promise((r) => setTimeout(r, 30));
      res.destroy();
      return;
    }
    if (res.destroyed) return;
    res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
    if (slow) await new Promise((r) => setTimeout(r, 50));
  }
  if (done) res.write(`data: ${done}\n\n`);
  res.end();
}

// ---- OpenAI -----------------------------------------------------------------------------------------------

function openaiUsage() {
  return {
    prompt_tokens: USAGE.input,
    completion_tokens: USAGE.output,
    total_tokens: USAGE.input + USAGE.output,
    prompt_tokens_details: { cached_tokens: USAGE.cacheRead },
    completion_tokens_details: { reasoning_tokens: USAGE.reasoning },
  };
}

function completionText(body: any): string {
  // Structured output: a JSON document whose string field holds the text.
  return body.response_format?.type === 'json_schema' ? JSON.stringify({ answer: TEXT_PARTS.join('') }) : TEXT_PARTS.join('');
}

function chatCompletion(body: any) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: `${body.model}-2024-08-06`,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message: { role: 'assistant', content: completionText(body), refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: openaiUsage(),
  };
}

function streamChat(res: ServerResponse, body: any): Promise<void> {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model: `${body.model}-2024-08-06`, system_fingerprint: 'fp_fake' };
  const text = completionText(body);
  const parts = body.response_format ? [text] : TEXT_PARTS;
  const events: { data: unknown }[] = parts.map((content, i) => ({
    data: { ...base, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content } : { content }, logprobs: null, finish_reason: null }] },
  }));
  // Mistral's API puts usage on the chunk that finishes, unasked.
  const mistral = /mistral/.test(String(body.model));
  events.push({ data: { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], ...(mistral ? { usage: openaiUsage() } : {}) } });
  if (body.stream_options?.include_usage) events.push({ data: { ...base, choices: [], usage: openaiUsage() } });
  return sse(res, String(body.model), events, '[DONE]');
}

function textCompletion(body: any) {
  return {
    id: 'cmpl-fake',
    object: 'text_completion',
    created: 1_700_000_000,
    model: body.model,
    choices: [{ index: 0, text: TEXT_PARTS.join(''), logprobs: null, finish_reason: 'length' }],
    usage: openaiUsage(),
  };
}

function streamTextCompletion(res: ServerResponse, body: any): Promise<void> {
  const base = { id: 'cmpl-fake', object: 'text_completion', created: 1_700_000_000, model: body.model };
  const events: { data: unknown }[] = TEXT_PARTS.map((text, i) => ({
    data: { ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: i === TEXT_PARTS.length - 1 ? 'length' : null }] },
  }));
  if (body.stream_options?.include_usage) events.push({ data: { ...base, choices: [], usage: openaiUsage() } });
  return sse(res, String(body.model), events, '[DONE]');
}

function response(body: any, status = 'completed') {
  return {
    id: 'resp_fake',
    object: 'response',
    created_at: 1_700_000_000,
    status,
    model: `${body.model}-2025-04-14`,
    output: [
      {
        type: 'message',
        id: 'msg_fake',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: TEXT_PARTS.join(''), annotations: [] }],
      },
    ],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: {
      input_tokens: USAGE.input,
      output_tokens: USAGE.output,
      total_tokens: USAGE.input + USAGE.output,
      input_tokens_details: { cached_tokens: USAGE.cacheRead },
      output_tokens_details: { reasoning_tokens: USAGE.reasoning },
    },
  };
}

function streamResponse(res: ServerResponse, body: any): Promise<void> {
  const created = { ...response(body, 'in_progress'), output: [], usage: null };
  const events = [
    { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: created } },
    ...TEXT_PARTS.map((delta, i) => ({
      event: 'response.output_text.delta',
      data: { type: 'response.output_text.delta', sequence_number: i + 1, item_id: 'msg_fake', output_index: 0, content_index: 0, delta, logprobs: [] },
    })),
    { event: 'response.completed', data: { type: 'response.completed', sequence_number: TEXT_PARTS.length + 1, response: response(body) } },
  ];
  return sse(res, String(body.model), events);
}

function embeddings(body: any) {
  // `inputs` is Mistral's name for it.
  const given = body.input ?? body.inputs;
  const inputs: unknown[] = Array.isArray(given) ? given : [given];
  const vector = new Float32Array([0.25, -0.5, 0.125]);
  const embedding = body.encoding_format === 'base64' ? Buffer.from(vector.buffer).toString('base64') : [...vector];
  return {
    id: 'embd-fake',
    object: 'list',
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding })),
    model: body.model,
    usage: { prompt_tokens: USAGE.input, total_tokens: USAGE.input },
  };
}

// ---- Anthropic --------------------------------------------------------------------------------------------

function anthropicUsage(outputTokens: number) {
  return {
    input_tokens: USAGE.input - USAGE.cacheRead - USAGE.cacheWrite,
    cache_read_input_tokens: USAGE.cacheRead,
    cache_creation_input_tokens: USAGE.cacheWrite,
    output_tokens: outputTokens,
  };
}

function message(body: any) {
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model: body.model,
    // Structured output (`messages.parse`): a JSON document whose string field holds the text.
    content: [{ type: 'text', text: body.output_config?.format?.type === 'json_schema' ? JSON.stringify({ answer: TEXT_PARTS.join('') }) : TEXT_PARTS.join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(USAGE.output),
  };
}

function streamMessage(res: ServerResponse, body: any): Promise<void> {
  const start = { ...message(body), content: [], stop_reason: null, usage: anthropicUsage(1) };
  const events = [
    { event: 'message_start', data: { type: 'message_start', message: start } },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    ...TEXT_PARTS.map((text) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: USAGE.output } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
  return sse(res, String(body.model), events);
}

// ---- Gemini -----------------------------------------------------------------------------------------------

function geminiChunk(model: string, text: string, last: boolean) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
    modelVersion: model,
    responseId: 'gemini-fake',
    ...(last
      ? {
          usageMetadata: {
            promptTokenCount: USAGE.input,
            candidatesTokenCount: USAGE.output - USAGE.reasoning,
            thoughtsTokenCount: USAGE.reasoning,
            cachedContentTokenCount: USAGE.cacheRead,
            totalTokenCount: USAGE.input + USAGE.output,
          },
        }
      : {}),
  };
}

function streamGemini(res: ServerResponse, model: string): Promise<void> {
  return sse(res, model, TEXT_PARTS.map((text, i) => ({ data: geminiChunk(model, text, i === TEXT_PARTS.length - 1) })));
}

// ---- Bedrock ----------------------------------------------------------------------------------------------

function bedrockUsage() {
  return {
    inputTokens: USAGE.input - USAGE.cacheRead - USAGE.cacheWrite,
    outputTokens: USAGE.output,
    totalTokens: USAGE.input + USAGE.output,
    cacheReadInputTokens: USAGE.cacheRead,
    cacheWriteInputTokens: USAGE.cacheWrite,
  };
}

function converse() {
  return {
    output: { message: { role: 'assistant', content: [{ text: TEXT_PARTS.join('') }] } },
    stopReason: 'end_turn',
    usage: bedrockUsage(),
    metrics: { latencyMs: 12 },
  };
}

/** One message of AWS's binary event stream: prelude, string headers, JSON payload, CRC32 checksums. */
function eventMessage(eventType: string, payload: unknown): Buffer {
  const headers = Buffer.concat(
    Object.entries({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }).map(([name, value]) => {
      const nameBytes = Buffer.from(name);
      const valueBytes = Buffer.from(value);
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
      header.writeUInt8(nameBytes.length, 0);
      nameBytes.copy(header, 1);
      header.writeUInt8(7, 1 + nameBytes.length);
      header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
      valueBytes.copy(header, 4 + nameBytes.length);
      return header;
    }),
  );
  const body = Buffer.from(JSON.stringify(payload));
  const total = 12 + headers.length + body.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headers.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const withoutCrc = Buffer.concat([prelude, preludeCrc, headers, body]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, messageCrc]);
}

async function streamConverse(res: ServerResponse, model: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  const events: [string, unknown][] = [
    ['messageStart', { role: 'assistant' }],
    ...TEXT_PARTS.map((text): [string, unknown] => ['contentBlockDelta', { contentBlockIndex: 0, delta: { text } }]),
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['messageStop', { stopReason: 'end_turn' }],
    ['metadata', { usage: bedrockUsage(), metrics: { latencyMs: 12 } }],
  ];
  for (const [i, [type, payload]] of events.entries()) {
    if (model.startsWith('mid-error') && i === 2) {
      await new Promise((r) => setTimeout(r, 30));
      res.destroy();
      return;
    }
    res.write(eventMessage(type, payload));
    if (model.startsWith('slow')) await new Promise((r) => setTimeout(r, 50));
  }
  res.end();
}

/** InvokeModelWithResponseStream for an Anthropic model: its stream events as `chunk` payloads of base64 bytes. */
async function streamInvoke(res: ServerResponse, model: string): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
  const events: unknown[] = [
    { type: 'message_start', message: { ...message({ model }), content: [], stop_reason: null, usage: anthropicUsage(1) } },
    ...TEXT_PARTS.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: USAGE.output } },
    // Bedrock adds its own count to every model's last chunk (input without Anthropic's cached tokens).
    { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: USAGE.input - USAGE.cacheRead - USAGE.cacheWrite, outputTokenCount: USAGE.output, invocationLatency: 12, firstByteLatency: 5 } },
  ];
  for (const [i, event] of events.entries()) {
    if (model.startsWith('mid-error') && i === 2) {
      await new Promise((r) => setTimeout(r, 30));
      res.destroy();
      return;
    }
    res.write(eventMessage('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') }));
    if (model.startsWith('slow')) await new Promise((r) => setTimeout(r, 50));
  }
  res.end();
}

// ---- Cohere v2 --------------------------------------------------------------------------------------------

function cohereUsage() {
  return {
    billed_units: { input_tokens: USAGE.input - USAGE.cacheRead, output_tokens: USAGE.output },
    tokens: { input_tokens: USAGE.input, output_tokens: USAGE.output },
    cached_tokens: USAGE.cacheRead,
  };
}

function cohereChat() {
  return {
    id: 'cohere-fake',
    finish_reason: 'COMPLETE',
    message: { role: 'assistant', content: [{ type: 'text', text: TEXT_PARTS.join('') }] },
    usage: cohereUsage(),
  };
}

function streamCohere(res: ServerResponse, body: any): Promise<void> {
  const events = [
    { data: { type: 'message-start', id: 'cohere-fake', delta: { message: { role: 'assistant', content: [] } } } },
    ...TEXT_PARTS.map((text) => ({ data: { type: 'content-delta', index: 0, delta: { message: { content: { text } } } } })),
    { data: { type: 'message-end', delta: { finish_reason: 'COMPLETE', usage: cohereUsage() } } },
  ];
  return sse(res, String(body.model), events, '[DONE]');
}

function cohereEmbed(body: any) {
  const texts: unknown[] = Array.isArray(body.texts) ? body.texts : [];
  return {
    id: 'cohere-embed-fake',
    response_type: 'embeddings_by_type',
    embeddings: { float: texts.map(() => [0.25, -0.5, 0.125]) },
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: USAGE.input } },
  };
}

// ---- Ollama -----------------------------------------------------------------------------------------------

function ollamaChunk(body: any, path: string, text: string, done: boolean) {
  const chunk = {
    model: body.model,
    created_at: '2026-11-29T00:00:00Z',
    ...(path === '/api/chat' ? { message: { role: 'assistant', content: text } } : { response: text }),
    done,
  };
  // Ollama counts tokens on the last chunk only; it reports no cached tokens.
  return done
    ? { ...chunk, done_reason: 'stop', total_duration: 1000, load_duration: 10, prompt_eval_count: USAGE.input, prompt_eval_duration: 100, eval_count: USAGE.output, eval_duration: 500 }
    : chunk;
}

/** Ollama streams newline-delimited JSON: slowly for `slow*` models, dropping the connection for `mid-error*`. */
async function streamOllama(res: ServerResponse, body: any, path: string): Promise<void> {
  const model = String(body.model);
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const parts = model.startsWith('slow') ? Array.from({ length: 20 }, () => 'more ') : TEXT_PARTS;
  for (const [i, text] of [...parts, ''].entries()) {
    if (model.startsWith('mid-error') && i === 2) {
      await new Promise((r) => setTimeout(r, 30));
      res.destroy();
      return;
    }
    if (res.destroyed) return;
    res.write(`${JSON.stringify(ollamaChunk(body, path, text, i === parts.length))}\n`);
    if (model.startsWith('slow')) await new Promise((r) => setTimeout(r, 50));
  }
  res.end();
}
