/* cablesite's text pipeline for lunr.js 2.3.9: the twins of generator/search/pipeline.py,
 * registered under the same labels (lunr.Index.load refuses an index whose pipeline
 * names a function that is not registered).  Loaded after lunr.min.js. */
(function (root) {
  "use strict";
  var lunr = root.lunr || (typeof require === "function" ? require("lunr") : null);
  // The same characters as SEPARATOR in pipeline.py.
  var SEPARATOR = /[\s\-\u2010-\u2015\/]+/;
  var EXTRA = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "ß": "ss", "æ": "ae", "œ": "oe",
               "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"};
  var EXTRA_RE = /[\u2019\u2018\u02bcßæœøłđðþı]/g;
  var MARKS = /[\u0300-\u036f]/g;

  function fold(s) {
    if (/^[\x00-\x7f]*$/.test(s)) return s;
    return s.replace(EXTRA_RE, function (c) { return EXTRA[c]; }).normalize("NFKD").replace(MARKS, "");
  }
  var EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
  function trim(s) { return s.replace(EDGES, ""); }
  function possessive(s) { return s.replace(/'s?$/, ""); }

  var foldFn = function (token) { return token.update(fold); };
  var trimFn = function (token) { return token.update(trim); };
  var possessiveFn = function (token) { return token.update(possessive); };
  lunr.Pipeline.registerFunction(foldFn, "cablesite-fold");
  lunr.Pipeline.registerFunction(trimFn, "cablesite-trimmer");
  lunr.Pipeline.registerFunction(possessiveFn, "cablesite-possessive");
  lunr.tokenizer.separator = SEPARATOR;

  var api = {SEPARATOR: SEPARATOR, fold: fold, trim: trim, possessive: possessive};
  /* The pipeline of a serialised index, run on one word (memoised: the Porter stemmer
   * is the costly part, and snippets run it on every word of a text). */
  api.analyzer = function (labels) {
    var pipeline = lunr.Pipeline.load(labels), cache = Object.create(null);
    return function (word) {
      if (word in cache) return cache[word];
      var out = pipeline.run([new lunr.Token(word)]);
      var t = out.length && out[0].toString() ? out[0].toString() : null;
      cache[word] = t;
      return t;
    };
  };
  root.cablesitePipeline = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
