import Anthropic from '@anthropic-ai/sdk';

export const anthropic = new Anthropic();
export const CLAUDE_MODEL = 'claude-sonnet-4-5';
