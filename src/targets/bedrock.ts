import { defineLibrary, type TargetSpec } from './define.js';
import type { LLMTarget } from './types.js';

function command(name: string, api: string): TargetSpec<LLMTarget> {
  return {
    id: `bedrock.${name}`,
    role: 'llm',
    match: { kind: 'new', class: name },
    sendMethod: 'send',
    provider: 'aws.bedrock',
    operation: 'chat',
    api,
    request: { arg: 0 },
    commandRequest: true,
    settings: ['inferenceConfig.maxTokens', 'inferenceConfig.temperature', 'inferenceConfig.topP'],
    model: { property: 'modelId' },
  };
}

/** AWS Bedrock Runtime: `client.send(new ConverseCommand(...))` and its streaming and InvokeModel siblings (streamed too). */
export const bedrock = defineLibrary({
  library: 'bedrock',
  modules: ['@aws-sdk/client-bedrock-runtime'],
  adapter: true,
  targets: [
    command('ConverseCommand', 'bedrock.converse'),
    command('ConverseStreamCommand', 'bedrock.converse-stream'),
    command('InvokeModelCommand', 'bedrock.invoke'),
    command('InvokeModelWithResponseStreamCommand', 'bedrock.invoke-stream'),
  ],
});
