import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL,
  organization: process.env.OPENAI_ORG_ID,
});

export default client;
