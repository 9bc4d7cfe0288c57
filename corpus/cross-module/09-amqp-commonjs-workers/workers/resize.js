'use strict';

const broker = require('../broker');
const { progress } = require('../lib/progress');

async function resize(job) {
  // Real resizing lives in the sharp-based service; this worker only orchestrates.
  progress.emit('resize:start', job.assetId);
  return { assetId: job.assetId, width: job.width, path: `${job.path}.w${job.width}.jpg` };
}

async function start() {
  const ch = broker.getChannel();
  await ch.consume('media.resize', async (msg) => {
    if (!msg) return;
    const job = JSON.parse(msg.content.toString());
    const out = await resize(job);
    broker.getChannel().sendToQueue('media.thumbnails', Buffer.from(JSON.stringify(out)), { persistent: true });
    ch.ack(msg);
  });
}

module.exports = { start };
