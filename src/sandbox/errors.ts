/** A request the sandbox refuses; `status` is the HTTP status the server answers with. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}
