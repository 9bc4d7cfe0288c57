/** The major version of the Node running the tests: `ai` 7 and `openai` 7 need 22 or later. */
export const nodeMajor = Number(process.versions.node.split('.')[0]);
