const REDACTED = '[redacted]';

/**
 * Removes a secret from text that is about to leave the driver (an error, a reason for a state
 * change). Realtime puts the key in the socket URL (`?apikey=`), so that parameter is redacted
 * whatever its value.
 */
export function secretRedactor(secret: string): (text: string) => string {
  return (text) => {
    let redacted = text.replace(/([?&]apikey=)[^&\s"']+/gi, `$1${REDACTED}`);
    if (secret.length > 0) redacted = redacted.split(secret).join(REDACTED);
    return redacted;
  };
}
