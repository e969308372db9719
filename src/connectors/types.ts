// What every receiver connector (WS, API, DB) offers to the send activity.

export interface SendRequest {
  /** integracao.link with variables already rendered (API: `PUT /clientes/42`; DB: the table; WS: WSDL path). */
  link: string;
  /** WS: porta_ws, the operation (`GravarClientes` or `Service.Port.Operation`). */
  operation?: string;
  /** The mapped request: WS arguments (merged over the connection's fixed args), API JSON body, DB columns. */
  body: Record<string, unknown>;
  /**
   * A batch whose request is an array of records (lote_envio > 1): API, the JSON body is this array
   * (`body` is ignored); DB, one multi-row INSERT of these rows, answered by the returned rows in order.
   */
  batch?: unknown[];
  /** DB: the columns to return (indice_valor_retorno). */
  returning?: string[];
}

export interface SendResult {
  /** The answer as a JS object: SOAP result, JSON body, or returned row. */
  answer: unknown;
  /** What was sent over the wire, secrets masked, for the ledger (e.g. the SOAP envelope). */
  sent?: string;
}

/**
 * Errors thrown by `send` follow src/errors.ts: TransportError (retryable only when the request cannot
 * have been processed), UnknownOutcome (may have been processed), RecordError (the receiver refused it,
 * e.g. a SOAP fault or a constraint violation).
 */
export interface Receiver {
  send(request: SendRequest): Promise<SendResult>;
  /** WS and API: the request exactly as `send` would put it on the wire, secrets masked; nothing is sent. */
  preview?(request: SendRequest): Promise<WirePreview>;
  close?(): Promise<void>;
}

/** What a dry run shows of a call: where it would go and what it would carry (secrets masked). */
export interface WirePreview {
  url: string;
  /** WS: Service.Port.Operation, as resolved in the WSDL; API: the HTTP method. */
  operation: string;
  soapAction?: string;
  /** WS: the SOAP envelope. */
  envelope?: string;
  /** API: the JSON body. */
  body?: string;
}
