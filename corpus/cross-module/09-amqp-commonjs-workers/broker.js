'use strict';

const amqp = require('amqplib');

const url = process.env.AMQP_URL || 'amqp://localhost';

/** @type {import('amqplib').ChannelModel | null} */
let connection = null;
/** @type {import('amqplib').Channel | null} */
let channel = null;

async function init() {
  connection = await amqp.connect(url);
  channel = await connection.createChannel();
  await channel.assertQueue('media.resize', { durable: true });
  await channel.assertQueue('media.thumbnails', { durable: true });
  await channel.assertExchange('media.notifications', 'direct', { durable: true });
  await channel.prefetch(2);
  connection.on('close', () => {
    channel = null;
    connection = null;
  });
}

function getChannel() {
  if (!channel) throw new Error('broker not initialised; call init() first');
  return channel;
}

module.exports = { init, getChannel };
