'use strict';

const bus = require('../lib/bus');
const hooks = require('../lib/hooks');

const HOST = process.env.HOSTNAME || 'agent-0';

function listen() {
  return bus.conn.subscribe(`fleet.cmd.${HOST}`, {
    callback(err, msg) {
      if (err) {
        console.error(err);
        return;
      }
      const command = bus.sc.decode(msg.data);
      hooks.publish('command', command);
      bus.conn.publish(`fleet.ack.${HOST}`, bus.sc.encode(`ok:${command}`));
    },
  });
}

module.exports = { listen };
