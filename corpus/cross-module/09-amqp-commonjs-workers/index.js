'use strict';

const broker = require('./broker');
const resize = require('./workers/resize');
const notify = require('./workers/notify');
const { progress } = require('./lib/progress');

progress.on('resize:start', (id) => console.log('resizing', id));

broker
  .init()
  .then(() => Promise.all([resize.start(), notify.start()]))
  .then(() => console.log('media workers running'))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
