'use strict';

const bus = require('./lib/bus');
const hooks = require('./lib/hooks');
const commands = require('./services/commands');

hooks.on('command', (cmd) => console.log('received command', cmd));

bus.start().then(() => {
  commands.listen();
  // Loaded after start(): the module destructures the live connection at require time.
  const { checkController } = require('./services/heartbeat');
  setInterval(async () => {
    const alive = await checkController();
    if (process.send) process.send({ type: 'controller', alive });
  }, 10_000);
});
