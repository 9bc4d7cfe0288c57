// Skip reasons more than one role gives.

export const AWAITED_RECEIVER = "the receiver is awaited and the call's result is not known to be a promise; move the awaited value to a variable first";

export function tracedElsewhereReason(elsewhere: { by: string; where: string }, library: string): string {
  return `${elsewhere.by} (set up at ${elsewhere.where}) traces every ${library} call; a second span would double it`;
}

export function narrowedReason(reference: string): string {
  return `'${reference}' is narrowed by a check before the call, which TypeScript forgets inside the span's callback; assign it to a const first`;
}
