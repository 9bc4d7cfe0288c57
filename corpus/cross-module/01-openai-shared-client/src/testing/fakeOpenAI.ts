// Offline stand-in used when SUPPORT_BOT_OFFLINE=1 (demos, CI smoke runs).
type FakeMessage = { role: string; content: string };

export const fakeOpenAI = {
  chat: {
    completions: {
      async create(params: { model: string; messages: FakeMessage[] }) {
        const last = params.messages[params.messages.length - 1];
        return {
          choices: [{ message: { role: 'assistant', content: `echo: ${last?.content ?? ''}` } }],
        };
      },
    },
  },
};
