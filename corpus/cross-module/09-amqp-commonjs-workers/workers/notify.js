'use strict';

const { getChannel } = require('../broker');
const redis = require('../lib/redis');

async function start() {
  await getChannel().consume('media.thumbnails', async (msg) => {
    if (!msg) return;
    const thumb = JSON.parse(msg.content.toString());
    getChannel().publish('media.notifications', 'thumbnail.ready', Buffer.from(JSON.stringify(thumb)));
    await redis.publish(`ws:asset:${thumb.assetId}`, JSON.stringify({ status: 'ready', path: thumb.path }));
    getChannel().ack(msg);
  });
}

module.exports = { start };
