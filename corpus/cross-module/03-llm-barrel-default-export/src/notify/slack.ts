export class SlackNotifier {
  constructor(private readonly webhookUrl: string) {}

  async send(text: string): Promise<void> {
    await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  }
}

export const notifier = new SlackNotifier(process.env.SLACK_WEBHOOK_URL ?? 'http://localhost:9999/hook');
