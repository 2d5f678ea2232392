// Full-match wildcard patterns (`*` any run of characters, `?` one character), as DTL's
// `matches` and the copy/remove property patterns use them. Matched without backtracking: the
// pattern is split at its stars; the first piece must match at the start, the last at the end,
// and every piece in between is taken at its leftmost place (which is always safe for `*`).
// Time is bounded by text length × pattern length, whatever the number of stars — a regular
// expression `^.*a.*a.*a…$` backtracks exponentially on a near miss.

/** One star-free piece: `?` matches any single character (code unit, like the regex `.` with the s flag). */
function pieceAt(text: string, piece: string, at: number): boolean {
  if (at + piece.length > text.length) return false;
  for (let i = 0; i < piece.length; i++) if (piece[i] !== '?' && piece[i] !== text[at + i]) return false;
  return true;
}

function indexOfPiece(text: string, piece: string, from: number, limit: number): number {
  if (!piece.includes('?')) {
    const i = text.indexOf(piece, from);
    return i >= 0 && i + piece.length <= limit ? i : -1;
  }
  for (let at = from; at + piece.length <= limit; at++) if (pieceAt(text, piece, at)) return at;
  return -1;
}

/** A predicate that tells whether a whole string matches the wildcard pattern. */
export function wildcardTest(pattern: string): (text: string) => boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern.includes('?') ? (text) => text.length === pattern.length && pieceAt(text, pattern, 0) : (text) => text === pattern;
  const first = pieces[0]!;
  const last = pieces.at(-1)!;
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  const minimum = pieces.reduce((n, p) => n + p.length, 0);
  return (text) => {
    if (text.length < minimum || !pieceAt(text, first, 0)) return false;
    const end = text.length - last.length;
    if (!pieceAt(text, last, end)) return false;
    let at = first.length;
    for (const piece of middle) {
      const found = indexOfPiece(text, piece, at, end);
      if (found < 0) return false;
      at = found + piece.length;
    }
    return at <= end;
  };
}
