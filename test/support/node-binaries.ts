export { NODE_VERSIONS, nodeBinary, type NodeMajor } from '../../scripts/node-binaries.mjs';
