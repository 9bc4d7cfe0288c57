import OpenAI, { AzureOpenAI } from 'openai';

function makeClient(): OpenAI {
  if (process.env.AZURE_OPENAI_ENDPOINT) {
    return new AzureOpenAI({
      endpoint: process.env.AZURE_OPENAI_ENDPOINT,
      apiVersion: '2024-10-21',
      deployment: process.env.AZURE_OPENAI_DEPLOYMENT ?? 'gpt-4o',
    });
  }
  return new OpenAI();
}

const client = makeClient();

export { client as llm };
