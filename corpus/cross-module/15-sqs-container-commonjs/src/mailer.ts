export interface Mail {
  to: string;
  subject: string;
  html: string;
}

export class Mailer {
  private readonly outbox: Mail[] = [];

  async send(mail: Mail): Promise<void> {
    // SMTP transport is configured in production; locally we just keep the mail.
    this.outbox.push(mail);
  }

  sent(): readonly Mail[] {
    return this.outbox;
  }
}
