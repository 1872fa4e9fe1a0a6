/**
 * `ServerLog`: how the server reports what it rejected and what went wrong
 * (a type of its own so that every part of the server can name it without
 * importing the server options).
 */

/** One log line: the server logs one line per rejected input, and errors of its own. */
export type ServerLog = (level: 'info' | 'warn' | 'error', message: string) => void;
