import { createServer } from 'node:http';
import { answerTicket } from './features/answer.js';
import { summarizeThread } from './features/summarize.js';

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { subject: string; body: string; thread?: string[] };

  const answer = await answerTicket(payload.subject, payload.body);
  const summary = payload.thread ? await summarizeThread(payload.thread) : undefined;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ answer, summary }));
});

server.listen(Number(process.env.PORT ?? 3000));
