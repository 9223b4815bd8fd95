/**
 * The one redaction every printed URL goes through (NATS and database URLs alike, in
 * errors, headers, status lines and logs): the user-info of each URL in `text`
 * (`user:password@`, or a NATS `token@`) becomes `***@`, and the values of
 * `password`, `sslpassword` and `token` query parameters become `***`.
 */
export function redactUrls(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s,/?#]*@/gi, "$1***@")
    .replace(/([?&](?:password|sslpassword|token)=)[^&\s,#]*/gi, "$1***");
}
