import { channelTargets } from './amqplib.js';
import { defineLibrary } from './define.js';

/**
 * amqp-connection-manager: a ChannelWrapper queues publishes while reconnecting and re-creates consumers, with
 * amqplib's calls and options. Channels handed to `addSetup` are amqplib channels (the amqplib targets match
 * them by type).
 */
export const amqpConnectionManager = defineLibrary({
  library: 'amqp-connection-manager',
  modules: ['amqp-connection-manager'],
  system: 'rabbitmq',
  targets: channelTargets('amqp-connection-manager', ['ChannelWrapper']),
});
