// TypeScript as the engine uses it, loaded through `require`: importing this CommonJS bundle (3 MB, with
// TypeScript's 9 MB beside it) from an ES module makes Node first scan all of it for its export names, about
// a fifth of the time loading it takes.
const common = require('@ts-morph/common');

exports.ts = common.ts;
exports.getLibFiles = common.getLibFiles;
