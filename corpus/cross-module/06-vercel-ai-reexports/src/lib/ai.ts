// Single place to swap the AI SDK for a mock in storybook builds.
export { generateText, streamText, embed } from 'ai';
export type { ModelMessage } from 'ai';
