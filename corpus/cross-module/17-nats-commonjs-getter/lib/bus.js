'use strict';

const { connect, StringCodec } = require('nats');

const sc = StringCodec();

/** @type {import('nats').NatsConnection | undefined} */
let nc;

module.exports = {
  sc,

  async start() {
    nc = await connect({ servers: process.env.NATS_URL || 'localhost:4222', name: `fleet-agent-${process.pid}` });
    return nc;
  },

  /** @returns {import('nats').NatsConnection} */
  get conn() {
    if (!nc) throw new Error('bus not started');
    return nc;
  },
};
