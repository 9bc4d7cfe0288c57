/**
 * What counts as personal data in a span attribute, baggage entry or span name. Keys are split into words
 * (`customer.emailAddress` → customer, email, address) and matched against categories; semantic-convention
 * keys that merely contain such words (`service.name`, `llm.prompt_tokens`) and derived values (hashes,
 * counts, lengths, flags) are not personal data.
 */

export type PiiCategory =
  | 'email'
  | 'person-name'
  | 'phone'
  | 'postal-address'
  | 'date-of-birth'
  | 'national-id'
  | 'payment-card'
  | 'bank-account'
  | 'ip-address'
  | 'location'
  | 'credential'
  | 'body'
  | 'user-content'
  | 'llm-content'
  | 'special-category';

export interface PiiMatch {
  category: PiiCategory;
  /** The word or key that gave it away (safe to print: it is a key, never a value). */
  evidence: string;
}

export const CATEGORY_LABELS: Record<PiiCategory, string> = {
  email: 'an email address',
  'person-name': "a person's name",
  phone: 'a phone number',
  'postal-address': 'a postal address',
  'date-of-birth': 'a date of birth',
  'national-id': 'a national identifier (SSN, passport, tax id)',
  'payment-card': 'payment card data',
  'bank-account': 'a bank account (IBAN, account number)',
  'ip-address': "an end user's IP address",
  location: 'a precise location',
  credential: 'a credential (password, token, API key, secret)',
  body: 'a request or response body',
  'user-content': 'free text written by a user',
  'llm-content': 'LLM prompt or completion text',
  'special-category': 'special-category personal data (health, religion, ethnicity, sexuality, politics, biometrics)',
};

/** What to write instead, per category. */
export const ADVICE: Record<PiiCategory, string> = {
  email: 'record an opaque user id (user.id) or a hash (user.hash), or the domain only',
  'person-name': 'record an opaque user id (user.id)',
  phone: 'record an opaque id, or the country code only',
  'postal-address': 'record the country or region code only',
  'date-of-birth': 'record an age bracket if it matters',
  'national-id': 'record whether it was provided (a boolean), never the value',
  'payment-card': 'record the card brand or a payment id',
  'bank-account': 'record a payment id or the bank country',
  'ip-address': 'record the network or country, or nothing',
  location: 'record a coarse region',
  credential: 'never record it; record the credential type or key id',
  body: 'record its size or content type',
  'user-content': 'record its length or a classification',
  'llm-content': 'record token counts, the model and a prompt hash (llm.prompt_hash, which otelify records with promptHash)',
  'special-category': 'do not record it',
};

// Word → category. Matched against whole words of a key or of an identifier path.
const WORDS: Record<string, PiiCategory> = {
  email: 'email', emails: 'email', mail: 'email', emailaddress: 'email', 'e-mail': 'email',
  firstname: 'person-name', lastname: 'person-name', fullname: 'person-name', surname: 'person-name',
  givenname: 'person-name', familyname: 'person-name', displayname: 'person-name', maidenname: 'person-name',
  vorname: 'person-name', nachname: 'person-name', username: 'person-name', accountholder: 'person-name', author: 'person-name', authorhandle: 'person-name', screenname: 'person-name', nickname: 'person-name',
  phone: 'phone', phonenumber: 'phone', mobile: 'phone', msisdn: 'phone', telephone: 'phone', telefon: 'phone', fax: 'phone',
  address: 'postal-address', addressline: 'postal-address', street: 'postal-address', postcode: 'postal-address', zipcode: 'postal-address',
  zip: 'postal-address', postalcode: 'postal-address', anschrift: 'postal-address', strasse: 'postal-address', plz: 'postal-address',
  dob: 'date-of-birth', birthdate: 'date-of-birth', dateofbirth: 'date-of-birth', birthday: 'date-of-birth', geburtsdatum: 'date-of-birth',
  ssn: 'national-id', passport: 'national-id', passportnumber: 'national-id', taxid: 'national-id', tin: 'national-id',
  nationalid: 'national-id', mrn: 'national-id', medicalrecordnumber: 'national-id', nino: 'national-id', insurance: 'national-id', insurancenumber: 'national-id', driverslicense: 'national-id', licensenumber: 'national-id',
  steuernummer: 'national-id',
  creditcard: 'payment-card', cardnumber: 'payment-card', pan: 'payment-card', cvv: 'payment-card', cvc: 'payment-card',
  iban: 'bank-account', accountnumber: 'bank-account', bic: 'bank-account', routingnumber: 'bank-account', sortcode: 'bank-account',
  ip: 'ip-address', ipaddress: 'ip-address', remoteaddr: 'ip-address', clientip: 'ip-address', xforwardedfor: 'ip-address',
  latitude: 'location', longitude: 'location', lat: 'location', lng: 'location', lon: 'location', geolocation: 'location', coordinates: 'location', gps: 'location',
  password: 'credential', passwd: 'credential', pwd: 'credential', passcode: 'credential', secret: 'credential', apikey: 'credential',
  accesstoken: 'credential', refreshtoken: 'credential', idtoken: 'credential', bearer: 'credential', authorization: 'credential',
  cookie: 'credential', sessiontoken: 'credential', privatekey: 'credential', clientsecret: 'credential', otp: 'credential',
  passwort: 'credential', token: 'credential', credentials: 'credential', jwt: 'credential',
  body: 'body', payload: 'body', rawbody: 'body', requestbody: 'body', responsebody: 'body',
  comment: 'user-content', message: 'user-content', note: 'user-content', notes: 'user-content', bio: 'user-content',
  review: 'user-content', feedback: 'user-content', text: 'user-content', preview: 'user-content', subject: 'user-content',
  transcript: 'user-content', term: 'user-content', searchterm: 'user-content', recording: 'user-content', recordingurl: 'user-content', voicemail: 'user-content', searchquery: 'user-content', chatmessage: 'user-content',
  prompt: 'llm-content', prompts: 'llm-content', completion: 'llm-content', messages: 'llm-content', systemprompt: 'llm-content',
  instructions: 'llm-content', response: 'llm-content', answer: 'llm-content', reply: 'llm-content', content: 'user-content',
  diagnosis: 'special-category', health: 'special-category', medical: 'special-category', religion: 'special-category',
  ethnicity: 'special-category', race: 'special-category', sexuality: 'special-category', sexualorientation: 'special-category',
  politicalparty: 'special-category', political: 'special-category', biometric: 'special-category', fingerprint: 'special-category',
  faceid: 'special-category', disability: 'special-category', pregnancy: 'special-category', medication: 'special-category',
  tradeunion: 'special-category', genetic: 'special-category', bloodtype: 'special-category',
};

// Two-word phrases (`first name`, `credit card`): checked on adjacent words.
const PHRASES: Record<string, PiiCategory> = {
  'first name': 'person-name', 'last name': 'person-name', 'full name': 'person-name', 'given name': 'person-name',
  'family name': 'person-name', 'display name': 'person-name', 'user name': 'person-name', 'customer name': 'person-name',
  'phone number': 'phone', 'home address': 'postal-address', 'billing address': 'postal-address', 'shipping address': 'postal-address',
  'zip code': 'postal-address', 'post code': 'postal-address', 'postal code': 'postal-address', 'date birth': 'date-of-birth',
  'birth date': 'date-of-birth', 'social security': 'national-id', 'tax id': 'national-id', 'national id': 'national-id',
  'credit card': 'payment-card', 'card number': 'payment-card', 'account number': 'bank-account', 'api key': 'credential',
  'access token': 'credential', 'refresh token': 'credential', 'id token': 'credential', 'auth token': 'credential',
  'client secret': 'credential', 'private key': 'credential', 'session token': 'credential', 'ip address': 'ip-address',
  'client address': 'ip-address', 'peer address': 'ip-address', 'request body': 'body', 'response body': 'body',
  'body content': 'body', 'search query': 'user-content', 'input messages': 'llm-content', 'output messages': 'llm-content',
  'system instructions': 'llm-content', 'tool arguments': 'llm-content', 'call arguments': 'llm-content',
  'blood type': 'special-category', 'sexual orientation': 'special-category', 'political party': 'special-category',
  'trade union': 'special-category', 'kunde name': 'person-name', 'customer email': 'email',
  'political views': 'special-category', 'embedding input': 'llm-content', 'user input': 'llm-content', 'model input': 'llm-content', 'tool input': 'llm-content',
};

/** Exact semantic-convention keys the conventions themselves mark as personal or sensitive. */
const SENSITIVE_KEYS: Record<string, PiiCategory> = {
  'user.email': 'email', 'user.full_name': 'person-name', 'user.name': 'person-name', 'enduser.email': 'email',
  'client.address': 'ip-address', 'source.address': 'ip-address', 'network.peer.address': 'ip-address', 'http.client_ip': 'ip-address',
  'http.request.body.content': 'body', 'http.response.body.content': 'body', 'gen_ai.prompt': 'llm-content',
  'gen_ai.completion': 'llm-content', 'gen_ai.input.messages': 'llm-content', 'gen_ai.output.messages': 'llm-content',
  'gen_ai.system_instructions': 'llm-content', 'gen_ai.tool.call.arguments': 'llm-content', 'gen_ai.tool.call.result': 'llm-content',
  'http.request.header.authorization': 'credential', 'http.request.header.cookie': 'credential', 'http.response.header.set-cookie': 'credential',
  'geo.location.lat': 'location', 'geo.location.lon': 'location',
};

/**
 * Words that make a key describe something about the data, not the data: `user.email.hash`,
 * `prompt.length`, `llm.prompt_tokens`, `email.count`, `has_password`, `address.country`.
 */
const DERIVED = new Set([
  'hash', 'hashed', 'sha', 'sha256', 'md5', 'digest', 'redacted', 'masked', 'anonymized', 'pseudonymized', 'encrypted', 'count',
  'counts', 'length', 'len', 'size', 'bytes', 'tokens', 'token_count', 'number_of', 'total', 'present', 'provided', 'exists', 'has',
  'is', 'valid', 'verified', 'type', 'types', 'kind', 'format', 'domain', 'country', 'region', 'version', 'enabled', 'status',
  'strength', 'expiry', 'expires', 'expired', 'age', 'id', 'ids', 'template', 'sentiment', 'language', 'lang', 'category',
  'categories', 'class', 'score', 'rate', 'ratio', 'ms', 'duration', 'latency', 'brand', 'last4', 'scheme', 'policy', 'rule',
  'mode', 'source', 'channel', 'topic', 'model', 'encoding', 'truncated', 'level', 'code', 'key_id', 'keyid', 'fingerprint_id',
  'limit', 'max', 'min', 'usage', 'cost', 'name_length', 'prefix', 'sent', 'changed', 'updated', 'required', 'reset', 'attempts',
  'field', 'fields', 'header', 'schema', 'tier', 'window', 'window_ms', 'provider', 'method', 'algorithm', 'kid', 'issuer', 'audience',
  'scope', 'scopes', 'entities', 'count_total', 'consent', 'opt_in', 'opted_in', 'reason', 'retries', 'ttl',
]);

/**
 * Namespaces whose `name`/`address`/`id`/`key`/`message` keys are about systems, not people. Keys under these
 * are not personal data even when a word matches.
 */
const SYSTEM_NAMESPACES = new Set([
  'service', 'host', 'k8s', 'container', 'process', 'os', 'telemetry', 'deployment', 'messaging', 'db', 'file', 'code',
  'gen_ai', 'event', 'user_agent', 'server', 'network', 'url', 'http', 'rpc', 'cloud', 'faas', 'aws', 'gcp', 'azure',
  'feature_flag', 'dns', 'tls', 'exception', 'error', 'thread', 'queue', 'job', 'cache', 'span', 'trace', 'otel', 'vcs',
  'tenant', 'app', 'application', 'browser', 'webengine', 'artifact', 'cicd', 'log', 'system',
]);

/** Split a key or identifier path into lower-case words: `customer.emailAddress` → customer, email, address. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Whether a whole key/path reads as derived data (a hash, a count...). */
function isDerived(parts: string[], raw: string): boolean {
  const last = parts[parts.length - 1] ?? '';
  if (DERIVED.has(last)) return true;
  const snake = raw.toLowerCase().split(/[.\-/]/).pop() ?? '';
  return DERIVED.has(snake) || /(^|_)(count|hash|length|size|tokens|id|ids|type|domain|country|present|provided)$/.test(snake) || /^(has|is)_/.test(snake);
}

/** A key that names a derived value (`*.country_code`, `*.length`, `*.hash`): what is written under it was reduced. */
export function isDerivedKey(key: string): boolean {
  return isDerived(words(key), key);
}

/** Classifies an attribute or baggage key. Undefined when it does not name personal data. */
export function classifyKey(key: string): PiiMatch | undefined {
  const normalized = key.trim();
  const exact = SENSITIVE_KEYS[normalized.toLowerCase()];
  if (exact) return { category: exact, evidence: normalized };
  // `http.request.header.x-api-key` and friends: a header name decides.
  const header = /^http\.(request|response)\.header\.(.+)$/i.exec(normalized);
  if (header) return classifyWords(words(header[2]!), header[2]!);
  const segments = normalized.split('.');
  if (segments.length > 1 && SYSTEM_NAMESPACES.has(segments[0]!.toLowerCase())) return undefined;
  return classifyWords(words(normalized), normalized);
}

/**
 * Classifies the words of an identifier path (`order.customer.email`, `req.body`, `user.fullName`): the
 * path names the value, so the value is personal data when its own name is.
 */
export function classifyPath(path: string): PiiMatch | undefined {
  const parts = words(path);
  if (parts.length === 0) return undefined;
  return classifyWords(parts, path);
}

/** GDPR special categories: personal data wherever they appear in a key (`lab.genetic_marker`). */
const SPECIAL_ANYWHERE = new Set(['political', 'genetic', 'diagnosis', 'religion', 'ethnicity', 'sexuality', 'biometric', 'medication', 'pregnancy', 'disability']);

function classifyWords(parts: string[], raw: string): PiiMatch | undefined {
  if (parts.length === 0) return undefined;
  // Only the last two words name what is recorded: `email.template`, `user.id` are not an email or name.
  const tail = parts.slice(-2);
  const phrase = tail.length === 2 ? PHRASES[tail.join(' ')] : undefined;
  if (phrase) return { category: phrase, evidence: raw };
  if (isDerived(parts, raw)) return undefined;
  if (parts.some((p) => SPECIAL_ANYWHERE.has(p))) return { category: 'special-category', evidence: raw };
  const joined = tail.join('');
  if (tail.length === 2 && WORDS[joined]) return { category: WORDS[joined], evidence: raw };
  const last = tail[tail.length - 1]!;
  const category = WORDS[last];
  if (category) return { category, evidence: raw };
  const owned = OWNED_WORDS[last];
  if (owned && tail.length === 2 && PERSONS.has(tail[0]!)) return { category: owned, evidence: raw };
  return undefined;
}

/**
 * Words that name personal data only under a person-like owner: `name` (`customer.name`, `user.name`, where
 * `service.name` is not), and a person's `number`, a phone number (`caller_number`).
 */
const OWNED_WORDS: Record<string, PiiCategory> = { name: 'person-name', number: 'phone' };

const PERSONS = new Set([
  'user', 'customer', 'client', 'patient', 'employee', 'person', 'member', 'contact', 'recipient', 'sender', 'buyer', 'seller',
  'owner', 'driver', 'passenger', 'guest', 'student', 'applicant', 'account', 'author', 'kunde', 'holder', 'cardholder', 'subscriber',
  'beneficiary', 'payer', 'payee', 'tenant_user', 'candidate', 'doctor', 'nurse', 'profile', 'operator', 'agent', 'staff', 'admin',
  'reviewer', 'assignee', 'claims', 'viewer', 'identity', 'principal', 'actor', 'me', 'reporter', 'requester', 'caller', 'callee', 'approver', 'manager', 'visitor', 'respondent', 'signer', 'teacher', 'parent', 'child',
]);

/**
 * The data {@link classifyKey} decides by, for what must say the same outside TypeScript (the Collector's
 * `blocked_key_patterns`, which `otelify collector` derives from it).
 */
export const PERSONAL_KEY_VOCABULARY = {
  /** A key's last word (or last two words joined) → what it holds. */
  words: WORDS as Readonly<Record<string, PiiCategory>>,
  /** A key's last two words, space-separated. */
  phrases: PHRASES as Readonly<Record<string, PiiCategory>>,
  /** Whole keys, lower-case. */
  sensitiveKeys: SENSITIVE_KEYS as Readonly<Record<string, PiiCategory>>,
  /** First segments of keys about systems, never people (unless a whole sensitive key). */
  systemNamespaces: SYSTEM_NAMESPACES as ReadonlySet<string>,
  /** Words that make any key personal wherever they stand in it. */
  specialAnywhere: SPECIAL_ANYWHERE as ReadonlySet<string>,
  /** Last words that are personal under an owner of {@link owners} just before them. */
  ownedWords: OWNED_WORDS as Readonly<Record<string, PiiCategory>>,
  owners: PERSONS as ReadonlySet<string>,
  /** Last words that make a key name a derived value (`email.hash`), and other words keys are made of. */
  derived: DERIVED as ReadonlySet<string>,
};
