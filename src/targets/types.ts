import type { CarrierFormat } from '@otelify/runtime';

/**
 * One join point: what to match in user code and how to instrument it. A library is a file exporting a list
 * of these; nothing else in the engine knows about a library.
 */
export type Target = ProduceTarget | ClientTarget | ConsumeTarget | HandlerMethodTarget | LoopTarget | RequestFieldsTarget | LLMTarget;

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
  /** The library traces its own calls from this version on; `note` tells the user what that means and what to do. */
  selfTraces?: { since: string; note: string };
}

/**
 * Stands for the config's `dataCarrierKey` in a carrier or headers path. Where a library's messages have no
 * headers (pg-boss jobs), the context rides in the message's own data, under this key.
 */
export const DATA_CARRIER_KEY = '{dataCarrierKey}';
/** `_otel`: short (it is stored with every job), apart from business fields, and says what it holds. */
export const DEFAULT_DATA_CARRIER_KEY = '_otel';

interface MessagingTarget extends TargetBase {
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
  | {
      kind: 'method';
      types: string[];
      method: string;
      /** The declaration's file path contains this (two SDK classes named `Completions`). */
      declaredIn?: string;
      /** Without types: the receiver's property chain ends with this (`chat.completions`). */
      via?: string;
      /** An event listener: the call's first argument is this event name (`subscription.on('message', handler)`). */
      event?: string;
      /**
       * One form of an overloaded method, told by the kind of one argument: pg-boss `send(name, data)` or
       * `send({ name, data })`. The target applies only to calls whose argument `arg` is of kind `is`.
       */
      overload?: { arg: number; is: ArgumentKind };
      /**
       * The receiver must be an instance of a class derived from one of `extends` (declared in the library), or
       * what a method of `through` returns on such a receiver (`model.withConfig(...)`), wherever the method
       * itself is declared (a base class shared with look-alikes, or a subclass overriding it). Without types
       * the class hierarchy is unknown, so such a call is never matched by its import alone.
       */
      receiver?: { extends: string[]; through?: string[] };
    }
  /** `fn(...)` or `namespace.fn(...)` of a function the library exports. */
  | { kind: 'function'; name: string }
  /** `new Class(...)`. */
  | { kind: 'new'; class: string };

export type ArgumentKind = 'string' | 'object' | 'array';

/** Where a value sits in the matched call's arguments: `arg` index, then an optional property of it. */
export interface ArgRef {
  arg: number;
  property?: string;
}

/**
 * Where one part of a destination sits in the arguments; several places are alternatives, the first that holds
 * a string wins (`@Processor('q')` or `@Processor({ name: 'q' })`). A property is read from an inline object or
 * from the object literal a `const` holds.
 */
export type DestinationPart = ArgRef | readonly ArgRef[];

/** The destination, as known when the code is rewritten. */
export type DestinationRule =
  /** String-literal arguments (or properties), joined by `join`; used only when every part is constant. */
  | { from: 'args'; parts: readonly DestinationPart[]; join?: string; lastSegment?: string }
  /** The receiver's own property, read at run time (e.g. BullMQ `queue.name`). */
  | { from: 'receiver'; property: string }
  /**
   * The arguments of the library call that made the receiver (Pub/Sub `pubsub.topic('orders')`): made in the
   * call, or held in a `const` or a class field initialised with it. `methods` name that call.
   */
  | { from: 'receiver-factory'; methods: readonly string[]; parts: readonly DestinationPart[]; join?: string };

/** A destination rule, or rules tried in order (the first that names the destination wins). */
export type Destination = DestinationRule | readonly DestinationRule[];

export interface ProduceTarget extends MessagingTarget {
  role: 'produce';
  match: Match;
  /** The argument that holds the message options/headers; created when absent. */
  carrier: ArgRef & {
    path: string;
    format?: CarrierFormat;
    /** The library's factory of an empty headers object, and the packages that export it (old and new names). */
    createHeaders?: { name: string; modules: readonly string[] };
    /**
     * Types of the argument that carry their messages' context already (a Service Bus batch, whose messages
     * got it as they were added): the call is spanned and nothing is injected.
     */
    carriedBy?: readonly string[];
    /** Optional arguments before the carrier may be missing: pass `undefined` for them. */
    fillMissing?: boolean;
  };
  destination?: Destination;
  /** Path in the carrier argument to an array whose length is the batch size (`messages`; '' when the argument is the array). */
  batch?: string;
  /** For `new Command(...)`: when the command is passed straight to `client.send(...)`, span that call. */
  sendMethod?: string;
  /** Skip when the carrier argument (or the receiver's constructor options) sets this property. */
  nativeTelemetry?: string;
}

/**
 * A client whose messages take their shape from how it was set up, often in another module (a NestJS client
 * proxy's transport): nothing at the call says where headers go, so the call's receiver is handed to the
 * runtime's `wrapper`, which instruments that client object's sends (`traceNestClient(this.client).emit(...)`).
 * `system` names the library in reports; the runtime tells each span's system from the client.
 */
export interface ClientTarget extends MessagingTarget {
  role: 'produce-client';
  match: Match & { kind: 'method' };
  /** The runtime function that instruments the client and returns it. */
  wrapper: string;
  /** Receivers of these types send messages without headers: the report tells the user that `note`. */
  withoutHeaders?: { types: string[]; note: string };
}

export interface ConsumeTarget extends MessagingTarget {
  role: 'consume';
  match: Match;
  /** The handler to wrap. */
  handler: ArgRef;
  /**
   * `traceBatch` instead of `traceProcess`: `messages` is the path to the array in the handler's first
   * argument ('' for the argument itself); with `continueSingle`, a batch of one continues its producer's trace.
   */
  batch?: { messages: string; continueSingle?: boolean };
  destination?: Destination;
  /** Runtime paths, relative to the handler's first argument (see ProcessSpec). */
  spec: { destinationFrom?: string; message?: string; payloadArg?: number; headers: string; format?: CarrierFormat; id?: string };
  /** Also ensure the consumer asks for the propagation fields (sqs-consumer `messageAttributeNames`). */
  requestFields?: ArgRef;
  nativeTelemetry?: string;
}

/**
 * A class method a framework calls with each message, found by a decorator the library exports: on the method
 * (`@RabbitSubscribe(...)`), or on its class with the method named (`@Processor('q')` and `process`).
 */
export interface DecoratorMatch {
  kind: 'decorator';
  decorator: string;
  /** The decorator is on the class; this method is the handler. */
  method?: string;
}

/** A decorated handler method: each call runs in a CONSUMER span. */
export type HandlerMethodTarget = HandlerMethodBase & (
  | {
      /** The runtime's `traceHandler` decorator wraps the method; as for ConsumeTarget, relative to the method's `payloadArg`-th parameter. */
      spec: ConsumeTarget['spec'];
      interceptor?: undefined;
    }
  | {
      /**
       * The framework calls the method with the parameters it declares only, so a wrapper never sees the
       * message: the framework's own decorator (`@UseInterceptors`, imported from `module`) registers the
       * runtime's interceptor `runtime`, which reads the message from what the framework hands interceptors;
       * `contextOnly` is the one for a method that starts its own CONSUMER span (the message's context only).
       */
      interceptor: { decorator: string; module: string; runtime: string; contextOnly: string };
      spec?: undefined;
    }
);

interface HandlerMethodBase extends MessagingTarget {
  role: 'consume-method';
  match: DecoratorMatch;
  /** Read from the decorator's arguments. */
  destination?: Destination;
}

/** A `for`/`for await` loop over messages of `types`: its body runs in a CONSUMER span per message. */
export interface LoopTarget extends MessagingTarget {
  role: 'consume-loop';
  elementTypes: string[];
  spec: { headers: string; format?: CarrierFormat; id?: string; destinationFrom?: string };
}

/** A receive request that must ask for the propagation fields (SQS `MessageAttributeNames`). */
export interface RequestFieldsTarget extends MessagingTarget {
  role: 'request-fields';
  match: Match;
  input: ArgRef & { path: string };
}

/** An LLM client call: it runs in a CLIENT span that records the model, usage, cost and errors, never content. */
export interface LLMTarget extends TargetBase {
  role: 'llm';
  match: Match;
  /** `gen_ai.provider.name` when the client's construction says nothing else. */
  provider: string;
  /** `gen_ai.operation.name`: chat, embeddings, generate_content, text_completion. */
  operation: string;
  /** The runtime adapter that reads this API's request, response and stream shapes. */
  api: string;
  /**
   * The request body. It is never wrapped: TypeScript keeps checking it exactly as before. `optional`: the call
   * may pass none (a thread's turn, whose model and settings the thread was made with).
   */
  request: ArgRef & { optional?: boolean };
  /**
   * Settings (dotted paths in the body) copied into the spec where the body writes them as literals, so the
   * span starts with them; the runtime reads the rest from the SDK's own request or response objects.
   */
  settings?: string[];
  /** The request is a command object (`new ConverseCommand(input)`): the runtime reads its input. */
  commandRequest?: boolean;
  /**
   * Where the body names the model: a string property, or (Vercel `ai`) a provider factory call such as
   * `openai('gpt-4o')`, whose import says the provider.
   */
  model?: {
    /** The property naming it, or several (the first the body writes counts: `model`, then `modelName`). */
    property: string | string[];
    factories?: Record<string, string>;
    /** Where the request names no model, the call that made the receiver may (`ai.chats.create({ model })`). */
    createdBy?: string;
  };
  /** For `new Command(...)`: the method that sends it (`client.send(new ConverseCommand(...))`). */
  sendMethod?: string;
  /**
   * How to ask for token usage on a stream where the code does not (config `streamUsage`): the property
   * added next to a literal `stream: true`, and the providers that accept it.
   */
  streamUsage?: { property: string; value: string; providers: string[] };
  /**
   * How a call gets the SDK's own telemetry, so that a call it traces already is left alone. `options` are the
   * request options holding a call's telemetry settings, the first one set counting; a call that sets
   * `isEnabled: true` in them is traced. From `integrations.since` on, `isEnabled: true` alone traces
   * nothing: the SDK traces through integrations, passed in the settings' `integrations.property` or
   * registered for the whole process (a global tracer with effect `unless-off`), and only a call that sets
   * `isEnabled: false` is left out.
   */
  ownTelemetry?: { options: string[]; integrations?: { since: string; property: string } };
  /**
   * Where the model and settings are written: in the request body (default), or in the options the receiver
   * was built with (`new ChatOpenAI({ model, temperature })`).
   */
  settingsIn?: 'request' | 'construction';
  /**
   * The runtime also reads the receiver, a model object that holds its provider, model and settings (LangChain):
   * it passes through `llmRequest`, which returns it as it is.
   */
  receiverRequest?: boolean;
  /**
   * An option, of the call's options argument (`arg`) or of the receiver's construction, that takes callback
   * handlers: a known tracer's handler there traces the call already (see tracing-wrappers.ts).
   */
  callbacks?: { arg: number; property: string };
  /** What the receiver's `new Client(options)` says of the provider and server. */
  client?: {
    /**
     * The option holding the base URL, or several such options (the first the construction writes counts);
     * a dotted path reads a nested inline object (`configuration.baseURL`).
     */
    baseURL?: string | string[];
    /** Boolean options that, set to `true`, mean another provider (`vertexai`). */
    providerByOption?: Record<string, string>;
    /** Client classes that mean another provider (`AzureOpenAI`); the receiver's class and its bases count too. */
    providerByClass?: Record<string, string>;
    /**
     * The provider by the package that declares the receiver's class (`@langchain/mistralai`); a package of
     * `scope` not listed is the provider its name says (`@langchain/cerebras` is `cerebras`), unless it is
     * one of `except` (the packages of base classes, or of many providers' classes).
     */
    providerByPackage?: { known: Record<string, string>; scope: string; except: string[] };
  };
}

/** A library's declaration with every target filled in (see `defineLibrary`). */
export interface TargetModule {
  library: string;
  modules: string[];
  /** The runtime has an adapter for this library (`@otelify/runtime/<library>`). */
  adapter?: boolean;
  targets: Target[];
}
