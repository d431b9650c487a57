// Splits a pcap-filter expression into tokens, each with the column it starts at, so every error
// can point at the part of the expression it is about. Words are kept whole ("10.0.0.1",
// "fe80::1", "1024-2048", "\tcp"); the parser decides what they mean.

export type TokenKind = "word" | "(" | ")" | "/" | "and" | "or" | "not" | "symbol";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Column of the first character, counting from 1. */
  col: number;
}

const WORD_CHAR = /[A-Za-z0-9_.:\-\\]/;

export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    const col = i + 1;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "(" || c === ")" || c === "/") {
      tokens.push({ kind: c, text: c, col });
      i++;
    } else if ((c === "&" || c === "|") && expression[i + 1] === c) {
      tokens.push({ kind: c === "&" ? "and" : "or", text: c + c, col });
      i += 2;
    } else if (c === "!" && expression[i + 1] !== "=") {
      tokens.push({ kind: "not", text: c, col });
      i++;
    } else if (WORD_CHAR.test(c)) {
      let j = i + 1;
      while (j < expression.length && WORD_CHAR.test(expression[j])) j++;
      const text = expression.slice(i, j);
      const kind = text === "and" ? "and" : text === "or" ? "or" : text === "not" ? "not" : "word";
      tokens.push({ kind, text, col });
      i = j;
    } else {
      // Brackets, arithmetic and comparison operators: only byte-offset and length expressions
      // use them, and those are outside the supported subset. The parser reports them.
      let j = i + 1;
      if (expression[j] === "=" || (c === expression[j] && (c === "<" || c === ">"))) j++;
      tokens.push({ kind: "symbol", text: expression.slice(i, j), col });
      i = j;
    }
  }
  return tokens;
}
