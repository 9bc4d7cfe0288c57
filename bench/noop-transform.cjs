// The cheapest possible jscodeshift transform: parse each file and change nothing. It measures what
// jscodeshift alone costs on the corpus.
module.exports = function noop(file, api) {
  api.jscodeshift(file.source);
  return undefined;
};
module.exports.parser = 'ts';
