// Standard alphabet, in groups of four, with at most two '=' of padding at the end.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard base64 strictly, or returns null: whitespace (line breaks of MIME/PEM bodies) is
 * ignored, the URL-safe alphabet and a missing padding are rejected, and so is an empty input.
 * Node's own decoder silently drops invalid characters, hence the check first.
 */
export function decodeBase64Strict(s: string): Buffer | null {
  const compact = s.replace(/[\r\n\t ]+/g, "");
  if (compact.length === 0 || !BASE64.test(compact)) return null;
  return Buffer.from(compact, "base64");
}
