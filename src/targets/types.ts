import type { CarrierFormat } from '../runtime/queues.js';

/**
 * One join point: what to match in user code and how to instrument it. A library is a file exporting a list
 * of these; nothing else in the engine knows about a library.
 */
export type Target = ProduceTarget | ConsumeTarget | LoopTarget | RequestFieldsTarget;

export type Role = Target['role'];

interface TargetBase {
  /** Stable id, e.g. `amqplib.publish`; used in reports and to disable one target. */
  id: string;
  /** Library name used in reports and in `disable`. */
  library: string;
  /**
   * Package names whose declarations count as this library (typings packages included). A call matches
   * when the TypeScript checker resolves it to a declaration inside one of them, or, without types, when
   * the receiver is traced back to an import of one of them.
   */
  modules: string[];
  /** `messaging.system`. */
  system: string;
  /** `messaging.operation.name`. */
  operation: string;
}

/** How the call site is found. */
export type Match =
  /**
   * `receiver.method(...)` where the method is declared by the library on one of `types` (checked with the
   * TypeScript checker), or, without types, where the receiver is traced back to an import of the library.
   */
  | { kind: 'method'; types: string[]; method: string }
  /** `new Class(...)`. */
  | { kind: 'new'; class: string };

/** Where a value sits in the matched call's arguments: `arg` index, then an optional property of it. */
export interface ArgRef {
  arg: number;
  property?: string;
}

/** The destination, as known when the code is rewritten. */
export type DestinationRule =
  /** String-literal arguments (or properties), joined by `join`; used only when every part is constant. */
  | { from: 'args'; parts: readonly ArgRef[]; join?: string; lastSegment?: string }
  /** The receiver's own property, read at run time (e.g. BullMQ `queue.name`). */
  | { from: 'receiver'; property: string };

export interface ProduceTarget extends TargetBase {
  role: 'produce';
  match: Match;
  /** The argument that holds the message options/headers; created when absent. */
  carrier: ArgRef & {
    path: string;
    format?: CarrierFormat;
    createHeaders?: { name: string; module: string };
    /** Optional arguments before the carrier may be missing: pass `undefined` for them. */
    fillMissing?: boolean;
  };
  destination?: DestinationRule;
  /** Path in the carrier argument to an array whose length is the batch size (e.g. `messages`). */
  batch?: string;
  /** For `new Command(...)`: when the command is passed straight to `client.send(...)`, span that call. */
  sendMethod?: string;
  /** Skip when the carrier argument (or the receiver's constructor options) sets this property. */
  nativeTelemetry?: string;
}

export interface ConsumeTarget extends TargetBase {
  role: 'consume';
  match: Match;
  /** The handler to wrap. */
  handler: ArgRef;
  /** `traceBatch` instead of `traceProcess`. */
  batch?: { messages: string };
  destination?: DestinationRule;
  /** Runtime paths, relative to the handler's first argument (see ProcessSpec). */
  spec: { destinationFrom?: string; message?: string; payloadArg?: number; headers: string; format?: CarrierFormat; id?: string };
  /** Also ensure the consumer asks for the propagation fields (sqs-consumer `messageAttributeNames`). */
  requestFields?: ArgRef;
  nativeTelemetry?: string;
}

/** A `for`/`for await` loop over messages of `types`: its body runs in a CONSUMER span per message. */
export interface LoopTarget extends TargetBase {
  role: 'consume-loop';
  elementTypes: string[];
  spec: { headers: string; format?: CarrierFormat; id?: string; destinationFrom?: string };
}

/** A receive request that must ask for the propagation fields (SQS `MessageAttributeNames`). */
export interface RequestFieldsTarget extends TargetBase {
  role: 'request-fields';
  match: Match;
  input: ArgRef & { path: string };
}

export interface TargetModule {
  library: string;
  targets: Target[];
}
