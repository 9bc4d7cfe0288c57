'use strict';

const { conn, sc } = require('../lib/bus');

async function checkController() {
  try {
    const reply = await conn.request('fleet.controller.ping', sc.encode('ping'), { timeout: 500 });
    return sc.decode(reply.data) === 'pong';
  } catch {
    return false;
  }
}

module.exports = { checkController };
