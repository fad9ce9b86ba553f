/**
 * A rule was broken or a request cannot be served. `key` is a locale key (for example
 * "petitions:errors.closed"), so every surface (Telegram, Messenger, CLI) can tell the
 * user in their language; `params` fill its placeholders.
 */
export class DomainError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(key);
    this.name = "DomainError";
  }
}

/** Import and validation problems, one per row/column, all reported together. */
export interface RowError {
  row: number;
  column?: string;
  key: string;
  params?: Record<string, unknown>;
}

export class ValidationError extends DomainError {
  constructor(readonly errors: RowError[]) {
    super("common:errors.validation", { count: errors.length });
    this.name = "ValidationError";
  }
}
