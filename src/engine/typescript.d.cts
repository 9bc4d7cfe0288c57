import common = require('@ts-morph/common');

export import ts = common.ts;
export declare const getLibFiles: typeof common.getLibFiles;
