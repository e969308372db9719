/** A console page that refuses: the HTTP status and the sentence shown. */
export class PageError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
