// natural's Porter stemmer module on its own: `module.exports` is the stemmer that
// `natural/lib/natural/stemmers/index.js` re-exports as PorterStemmer. Importing the index
// loads every language's stemmer (and their dictionaries: ~0.1 s of CPU on each thread that
// tokenizes); the tokenizer needs this one.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  import type { Stemmer } from 'natural/lib/natural/stemmers/index.js';
  const PorterStemmer: Stemmer;
  export default PorterStemmer;
}
