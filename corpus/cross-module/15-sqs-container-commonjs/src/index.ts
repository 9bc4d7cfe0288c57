import { container } from './container';
import { Receiver } from './Receiver';
import { registerUser } from './signup';

const receiver = new Receiver(container.sqs, container.queueUrl);
process.once('SIGINT', () => receiver.stop());

registerUser({ userId: 'u_1', email: 'ada@example.com', plan: 'pro' })
  .then(() =>
    receiver.run(async (m) => {
      console.log('provisioning for', m.Body);
    }),
  )
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
