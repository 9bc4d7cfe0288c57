import { container } from './container';
import { buildSignupMessage, type SignupEvent } from './commands';

export async function registerUser(evt: SignupEvent): Promise<void> {
  await container.mailer.send({ to: evt.email, subject: 'Welcome!', html: `<p>Thanks for joining (${evt.plan}).</p>` });
  await container.sqs.send(buildSignupMessage(container.queueUrl, evt));
}
