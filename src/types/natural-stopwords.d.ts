// natural ships no declarations for its stop-word lists; both export `words: string[]`.
declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_zh.js' {
  export const words: string[];
}
