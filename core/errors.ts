// Errors a user can meet, each with a stable code (undici's way): a test or a wrapper script matches
// on the code, and the message may improve without breaking either. `describeError` is the one place
// that turns any of them into the single line the user sees.

export class NsmError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "NsmError";
  }
}

/** The input is not a pcap or pcapng file at all (bad magic). */
export class NotACaptureError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_NOT_A_CAPTURE", message);
  }
}

/** A filter expression that does not parse, or uses syntax outside the supported subset. */
export class BadFilterError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_BAD_FILTER", message);
  }
}

/** `--set NAME=VALUE` with an unknown name or a value of the wrong type. */
export class BadOptionError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_BAD_OPTION", message);
  }
}

/** A bundled policy script named on the command line that does not exist. */
export class UnknownScriptError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_UNKNOWN_SCRIPT", message);
  }
}

/** `nsm cut`: a time format with a conversion nsm's strftime does not do. */
export class BadTimeFormatError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_BAD_TIME_FORMAT", message);
  }
}

/** `nsm cut`: a log whose header is broken in a way zeek-cut also stops at. */
export class BadLogError extends NsmError {
  constructor(message: string) {
    super("NSM_ERR_BAD_LOG", message);
  }
}

export function describeError(err: unknown): string {
  if (err instanceof NsmError) return `nsm: ${err.message} (${err.code})`;
  if (err instanceof Error) return `nsm: ${err.message}`;
  return `nsm: ${String(err)}`;
}
